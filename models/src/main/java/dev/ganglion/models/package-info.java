/**
 * Models as named, configurable, self-describing units: {@link dev.ganglion.models.ModelConfig}
 * (typed snake_case fields of {@code models.md}, parsed from and printed as the {@code ganglion.config}
 * JSON by {@link dev.ganglion.models.ConfigJson}), {@link dev.ganglion.models.NeuralModel} (name,
 * config, module, {@code y = f(x)}), {@link dev.ganglion.models.ModelRegistry} (name → factory) and
 * {@link dev.ganglion.models.ModelCheckpoint} (safetensors with {@code ganglion.model} and
 * {@code ganglion.config} metadata, loadable without knowing the model in code).
 *
 * <pre>{@code
 * ModelRegistry reg = ModelRegistry.standard();
 * NeuralModel m = reg.create(reg.config("sublstm", Map.of("input_size", 28, "hidden_size", 100, "output_size", 10)), 0);
 * ModelCheckpoint.save(path, m);
 * NeuralModel back = ModelCheckpoint.load(path);   // same outputs
 * }</pre>
 */
package dev.ganglion.models;
