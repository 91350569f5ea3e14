package dev.ganglion.engine;

import java.util.Arrays;

/**
 * A seeded random generator, like {@code torch.Generator}, whose every number is bit-identical on
 * every machine and JVM: xoshiro256** (Blackman and Vigna) seeded through SplitMix64, doubles from
 * the top 53 bits, normals by Marsaglia's polar method with {@link StrictMath} (never {@link Math},
 * whose results may differ between JIT intrinsics and platforms).
 *
 * <p>Not thread-safe: give each thread its own stream with {@link #split()}. {@link #state()} and
 * {@link #setState(long[])} capture and restore the exact position (the generator keeps no cached
 * values, so the four state words are all there is).
 */
public final class Rng {
    // xoshiro256** jump polynomial: advances 2^128 steps.
    private static final long[] JUMP = {
        0x180ec6d33cfd0abaL, 0xd5a61266f0c9392cL, 0xa9582618e03fc9aaL, 0x39abdc4529b1661cL};

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** A generator whose stream is fully determined by {@code seed}. */
    public Rng(long seed) {
        long x = seed;
        x += 0x9e3779b97f4a7c15L;
        s0 = mix(x);
        x += 0x9e3779b97f4a7c15L;
        s1 = mix(x);
        x += 0x9e3779b97f4a7c15L;
        s2 = mix(x);
        x += 0x9e3779b97f4a7c15L;
        s3 = mix(x);
    }

    /**
     * The stream of one purpose of a seed, independent of {@code new Rng(seed)}'s. Two generators
     * seeded with the same number give the same numbers, so a model's structure drawn with the
     * config's seed must not come from the stream its weights are drawn from when the user passes
     * the same seed to both (the default): G2GNet's first-layer mask and weights were once the same
     * uniforms, so every off-diagonal weight the mask kept ({@code u < p′}) started at the negative
     * end of its range and the layer's units were dead at init. The rule: a model's weights come
     * from {@code new Rng(seed)}; every other use of a seed (structure, data, split, shuffling,
     * rewiring) from its own purpose.
     *
     * @param purpose a fixed name, e.g. {@code "g2gnet.structure"} ({@link String#hashCode} is
     *     specified, so the stream is the same on every JVM)
     */
    public static Rng forPurpose(long seed, String purpose) {
        return new Rng(mix(seed ^ mix(purpose.hashCode() + 0x9e3779b97f4a7c15L)));
    }

    private Rng(long[] state) {
        setState(state);
    }

    /** SplitMix64's output function: spreads nearby seeds over the whole state space. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** 64 uniformly random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in {@code [0, bound)}, exactly unbiased (Lemire's multiply-shift with rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xffffffffL;
        if (low < bound) {
            long threshold = (1L << 32) % bound; // 2^32 mod bound values would be over-represented
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Uniform in {@code [0, 1)}, a multiple of 2⁻⁵³. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [0, 1)}, a multiple of 2⁻²⁴. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** One standard normal value (polar method; the pair's second value is discarded). */
    public double nextGaussian() {
        double[] pair = new double[2];
        polarPair(pair);
        return pair[0];
    }

    /** Two independent standard normal values into {@code out[0..1]} (Marsaglia's polar method). */
    private void polarPair(double[] out) {
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        out[0] = u * f;
        out[1] = v * f;
    }

    /** Float32 values uniform in {@code [lo, hi)}. */
    public Tensor uniform(Shape shape, double lo, double hi) {
        return uniform(shape, lo, hi, DType.F32);
    }

    /**
     * Values uniform in {@code [lo, hi)} of the given dtype: {@code lo + (hi − lo)·u} in double,
     * rounded once; a value that rounds up to hi is stepped down to the next value below it.
     */
    public Tensor uniform(Shape shape, double lo, double hi, DType dtype) {
        if (!(lo <= hi) || Double.isInfinite(hi - lo)) {
            throw new IllegalArgumentException("uniform: need finite lo ≤ hi, got [" + lo + ", " + hi + ")");
        }
        int n = shape.size();
        Tensor t = Tensor.zeros(shape, dtype);   // refuses, naming the shape, what the heap cannot hold
        if (dtype == DType.F32) {
            float[] v = t.floatArray();
            for (int i = 0; i < n; i++) {
                float x = (float) (lo + (hi - lo) * nextDouble());
                v[i] = x >= hi && lo < hi ? StrictMath.nextDown(x) : x;
            }
            return t;
        }
        double[] v = t.doubleArray();
        for (int i = 0; i < n; i++) {
            double x = lo + (hi - lo) * nextDouble();
            v[i] = x >= hi && lo < hi ? StrictMath.nextDown(hi) : x;
        }
        return t;
    }

    /** Float32 values from {@code N(mean, std²)}. */
    public Tensor normal(Shape shape, double mean, double std) {
        return normal(shape, mean, std, DType.F32);
    }

    /**
     * Values from {@code N(mean, std²)} of the given dtype; both values of each polar pair are used.
     *
     * @throws IllegalArgumentException when {@code mean} is NaN or infinite, or {@code std} is negative, NaN or infinite
     */
    public Tensor normal(Shape shape, double mean, double std, DType dtype) {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("normal: mean must be finite, got " + mean);
        }
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("normal: std must be finite and ≥ 0, got " + std);
        }
        Tensor.requireHeap("normal", shape, DType.F64);   // its values are drawn in double first
        double[] v = new double[shape.size()];
        double[] pair = new double[2];
        for (int i = 0; i < v.length; i += 2) {
            polarPair(pair);
            v[i] = mean + std * pair[0];
            if (i + 1 < v.length) {
                v[i + 1] = mean + std * pair[1];
            }
        }
        return Tensor.wrap(v, shape).to(dtype);
    }

    /** Float32 0/1 values, 1 with probability {@code p}. */
    public Tensor bernoulli(Shape shape, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli: p must be in [0, 1], got " + p);
        }
        Tensor t = Tensor.zeros(shape, DType.F32);
        float[] v = t.floatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = nextDouble() < p ? 1f : 0f;
        }
        return t;
    }

    /** A uniformly random permutation of {@code 0 … n−1}. */
    public int[] permutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation: n must be ≥ 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** Shuffles {@code a} in place, uniformly (Fisher–Yates from the end). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * An independent stream: the child takes this generator's current state and this generator
     * jumps 2^128 steps ahead, so the two never overlap. Deterministic: the same sequence of
     * calls and splits gives the same streams.
     */
    public Rng split() {
        Rng child = new Rng(state());
        jump();
        return child;
    }

    /** Same as {@link #split()}; named after {@code torch.Generator}-style "forking" of a stream. */
    public Rng fork() {
        return split();
    }

    private void jump() {
        long t0 = 0;
        long t1 = 0;
        long t2 = 0;
        long t3 = 0;
        for (long word : JUMP) {
            for (int b = 0; b < 64; b++) {
                if ((word & (1L << b)) != 0) {
                    t0 ^= s0;
                    t1 ^= s1;
                    t2 ^= s2;
                    t3 ^= s3;
                }
                nextLong();
            }
        }
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }

    /** The exact position of this stream: four words, to give back to {@link #setState(long[])}. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    /** Restores a position captured by {@link #state()}. */
    public void setState(long[] state) {
        checkState(state);
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }

    /**
     * Refuses what {@link #setState} cannot take: not 4 words, or all zero (a state the generator
     * never leaves); for callers that check a recorded state before restoring anything.
     */
    public static void checkState(long[] state) {
        if (state.length != 4 || (state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("setState: need 4 words, not all zero, got " + Arrays.toString(state));
        }
    }
}
