/**
 * Optimizers with PyTorch's exact update rules ({@link dev.ganglion.autodiff.optim.Sgd},
 * {@link dev.ganglion.autodiff.optim.Adam}, {@link dev.ganglion.autodiff.optim.AdamW},
 * {@link dev.ganglion.autodiff.optim.Adamax}, {@link dev.ganglion.autodiff.optim.RmsProp}) behind
 * {@link dev.ganglion.autodiff.optim.Optimizer}, gradient clipping
 * ({@link dev.ganglion.autodiff.optim.GradClip}) and learning-rate schedules
 * ({@link dev.ganglion.autodiff.optim.LrSchedule}, driven per step or per epoch by an
 * {@link dev.ganglion.autodiff.optim.LrScheduler}).
 *
 * <h2>Parity</h2>
 * Each update is one fused pass per parameter, in the parameter's dtype (float32 or float64, state
 * buffers alike), that performs PyTorch's operations in PyTorch's order (its {@code add} with
 * {@code alpha} is a fused multiply-add, {@code addcmul} is {@code (v·a)·b}, {@code addcdiv} is
 * {@code (v·a)/b}; for float32, Python scalars rounded to float once), so trajectories match
 * {@code torch.optim} 1.13 to float32 rounding and mostly bit for bit, and its float64 kernels to
 * 10⁻¹⁴ (98 % bit for bit) ({@code OptimizerParityTest}, reference from
 * {@code src/test/python/optim_reference.py}). One deviation, by design: float32 state that decays
 * below a small floor (2⁻¹²⁶, or up to 2⁻¹⁰⁰ where the update multiplies it by the step size) is
 * stored as zero, where PyTorch keeps subnormal numbers, which cost a microcode assist per operation
 * on Intel cores ({@link dev.ganglion.engine.kernel.UnaryKernel#flushBelow}).
 *
 * <h2>Speed</h2>
 * Steps update parameters and state in place (bumping storage versions), allocate nothing once
 * state exists, and are written so that C2 vectorizes them; large parameters are split over the
 * engine's pool.
 */
package dev.ganglion.autodiff.optim;
