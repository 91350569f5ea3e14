/**
 * Recurrent neuron models of {@code models.md} sections 1 and 2: {@link dev.ganglion.models.recurrent.SubLstm}
 * (LSTM, subLSTM, fix-subLSTM; one fused op per layer, {@link dev.ganglion.models.recurrent.SubLstmLayerFunction})
 * and {@link dev.ganglion.models.recurrent.ElmNeuron} (the Expressive Leaky Memory neuron). Both are
 * {@link dev.ganglion.models.recurrent.RecurrentModel}s: full sequences {@code [B, T, d_in] → [B, T, d_out]},
 * chunks from a carried state with the final state detached (truncated BPTT), and single steps for online use.
 */
package dev.ganglion.models.recurrent;
