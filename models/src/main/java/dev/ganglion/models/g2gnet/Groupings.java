package dev.ganglion.models.g2gnet;

import dev.ganglion.engine.Rng;
import java.util.Locale;

/**
 * Unit-to-group assignments of G2GNet layers and the permutations that make intra-group
 * connections contiguous diagonal blocks: index {@code g(j) = ⌊j·G/n⌋}, interleaved
 * {@code g(j) = j mod G}, random {@code g(π[k]) = ⌊k·G/n⌋} for a seeded permutation π.
 *
 * <p>The permutation of a grouping is the stable argsort of its groups (gather convention:
 * position k of the permuted vector is unit {@code perm[k]}), so {@code W[outPerm][:, inPerm]}
 * has the intra-group connections as diagonal blocks, groups 0…G−1 in order.
 */
public final class Groupings {
    private Groupings() {}

    /** A grouping rule of one layer. */
    public enum Kind {
        /** Contiguous groups: {@code g(j) = ⌊j·G/n⌋}. */
        INDEX,
        /** Round-robin groups: {@code g(j) = j mod G}. */
        INTERLEAVED,
        /** Index groups over a seeded permutation π: {@code g(π[k]) = ⌊k·G/n⌋}. */
        RANDOM;

        /** The kind named {@code index}, {@code interleaved} or {@code random}. */
        public static Kind of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "index" -> INDEX;
                case "interleaved" -> INTERLEAVED;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("g2gnet: unknown grouping '" + name
                        + "'; one of index, interleaved, random");
            };
        }
    }

    /**
     * The rule of sparse layer {@code layer} under the network grouping {@code network}
     * ({@code index}, {@code interleaved}, {@code random}, or {@code mixer}: even layers index, odd
     * layers interleaved).
     */
    public static Kind ofLayer(String network, int layer) {
        if ("mixer".equals(network)) {
            return layer % 2 == 0 ? Kind.INDEX : Kind.INTERLEAVED;
        }
        return Kind.of(network);
    }

    /** The group of each of {@code n} units (the RANDOM kind draws one permutation from {@code rng}). */
    public static int[] groups(Kind kind, int n, int groups, Rng rng) {
        if (groups < 1 || n < 0) {
            throw new IllegalArgumentException("Groupings.groups: need groups ≥ 1 and n ≥ 0, got groups "
                    + groups + ", n " + n);
        }
        int[] g = new int[n];
        switch (kind) {
            case INDEX -> {
                for (int j = 0; j < n; j++) {
                    g[j] = (int) ((long) j * groups / n);
                }
            }
            case INTERLEAVED -> {
                for (int j = 0; j < n; j++) {
                    g[j] = j % groups;
                }
            }
            case RANDOM -> {
                int[] perm = rng.permutation(n);
                for (int k = 0; k < n; k++) {
                    g[perm[k]] = (int) ((long) k * groups / n);
                }
            }
        }
        return g;
    }

    /** The stable argsort of {@code groups} (counting sort: groups are small integers ≥ 0). */
    public static int[] permutation(int[] groups) {
        int max = -1;
        for (int g : groups) {
            max = Math.max(max, g);
        }
        int[] start = new int[max + 2];
        for (int g : groups) {
            start[g + 1]++;
        }
        for (int g = 0; g <= max; g++) {
            start[g + 1] += start[g];
        }
        int[] perm = new int[groups.length];
        for (int j = 0; j < groups.length; j++) {
            perm[start[groups[j]]++] = j;
        }
        return perm;
    }

    /** {@code inv[perm[k]] = k}; checks that {@code perm} is a permutation of {@code 0 … n−1}. */
    public static int[] inverse(int[] perm, String what) {
        int[] inv = new int[perm.length];
        java.util.Arrays.fill(inv, -1);
        for (int k = 0; k < perm.length; k++) {
            int p = perm[k];
            if (p < 0 || p >= perm.length || inv[p] >= 0) {
                throw new IllegalArgumentException("g2gnet: " + what + " is not a permutation of 0 … "
                        + (perm.length - 1) + " (entry " + k + " = " + p + ")");
            }
            inv[p] = k;
        }
        return inv;
    }

    /** True when {@code perm[k] = k} for every k. */
    public static boolean isIdentity(int[] perm) {
        for (int k = 0; k < perm.length; k++) {
            if (perm[k] != k) {
                return false;
            }
        }
        return true;
    }
}
