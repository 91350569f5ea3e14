/**
 * CircuitNet (circuit motif units, models.md §4): CMUs of N neurons whose linear and pair-product
 * terms run on the block-diagonal kernel (one N×N block per CMU), neuron-wise attention per sample
 * and CMU, and port links from out-ports to in-ports on the BSR kernel (one p×p block per edge).
 *
 * <p>Mirrors the PyTorch reference's choices: switches {@code use_linear}, {@code use_product},
 * {@code use_attention}, {@code use_inter} (a switched-off term's parameters are absent); in-ports
 * are neurons 0…p−1, out-ports N−p…N−1; edges sorted by (target, source), E = C·k.
 * NOTE (spec quirk, left as is): with K ≤ 2 the port links cannot reach the head, so
 * {@code ports.weight} gets a zero gradient at the default K = 2.
 */
package dev.ganglion.models.circuitnet;
