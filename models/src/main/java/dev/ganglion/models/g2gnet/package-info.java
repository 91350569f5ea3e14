/**
 * G2GNet (ensemble-to-ensemble sparse feed-forward networks, models.md §3), its dense baseline
 * {@code mlp}, and dynamic sparse training.
 *
 * <p>Execution of a sparse layer {@code y = x·(W ⊙ M)ᵀ + b} ({@link dev.ganglion.models.g2gnet.G2GSparseLayer}):
 * the input is gathered by {@code in_perm}, the G diagonal blocks of {@code W[out_perm][:, in_perm]}
 * run on the block-diagonal kernel, every other live connection on the CSR kernel, and the output is
 * scattered back by {@code out_perm} (index grouping: identity permutations, no gather). Never a
 * masked dense product. Choices where the spec is silent:
 * <ul>
 * <li>Holes (masked-off entries inside a diagonal block): the block values are gathered from the
 * live-value parameter with a constant 0 at each hole, so the product is exact and a masked weight
 * has no parameter, hence no gradient and no optimizer state.</li>
 * <li>When G does not divide both widths (uneven groups), all live connections run on the CSR kernel.</li>
 * <li>Checkpoints always store {@code in_perm} / {@code out_perm}; without them the loader recovers the
 * groupings from the config (a {@code random} grouping is redrawn from {@code seed} with Ganglion's
 * generator, so only Ganglion-written configs reproduce; PyTorch-written files carry their perms).</li>
 * <li>DST ({@link dev.ganglion.models.g2gnet.DynamicSparsity}): regrowth draws from connections dead
 * before the update; regrown weights are 0 with zeroed optimizer state; n is capped by the dead count;
 * ties go to the lower entry index.</li>
 * </ul>
 */
package dev.ganglion.models.g2gnet;
