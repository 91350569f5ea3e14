package dev.ganglion.cli;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.NeuralModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ganglion eval}: runs a self-describing checkpoint on {@code x} from a safetensors file and
 * writes {@code y}; with {@code --grad} also {@code grad.x} and {@code grad.NAME} for every trainable
 * parameter, the gradients of {@code sum(y ⊙ grad_output)} ({@code grad_output} from the input file,
 * ones when absent). Values are float32.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = "Runs a checkpoint on x from a safetensors file; writes y (and gradients with --grad).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "Model checkpoint (safetensors).")
    Path checkpoint;
    @Option(names = "--input", required = true, paramLabel = "IN", description = "Safetensors file with x (and grad_output), F32 or F64; both run in the model's dtype.")
    Path input;
    @Option(names = "--output", paramLabel = "OUT", description = "Output safetensors (default: IN with .out.safetensors).")
    Path output;
    @Option(names = "--grad", description = "Also write grad.x and grad.NAME for every trainable parameter.")
    boolean grad;
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu, or cuda: dense products on the GPU where measured faster, shape by shape (default cpu).")
    String device;

    /** A float entry of the input file; an integer one is named in the CLI's terms. */
    private static Tensor floats(SafetensorsFile f, Path file, String name) throws IOException {
        if (!f.holdsFloats(name)) {
            throw new IllegalArgumentException(file + ": '" + name + "' is stored as " + f.dtype(name)
                    + "; eval reads floats (F32 or F64, or F16/BF16 widened to F32)");
        }
        return f.tensor(name);
    }

    @Override
    public Integer call() throws Exception {
        DeviceOption.apply(spec.commandLine(), device);
        for (Path p : new Path[] {checkpoint, input}) {
            if (!Files.isRegularFile(p)) {
                // a missing file in the CLI's one wording (Main.message); a folder or a device says what it is
                throw Files.isDirectory(p) ? new IOException(p + " is a folder, not a file")
                        : Files.exists(p) ? new IOException(p + " is not a regular file (a device, pipe or socket)")
                        : new NoSuchFileException(p.toString());
            }
        }
        Path out = output != null ? output : Path.of(input.toString().replaceFirst("(\\.safetensors)?$", ".out.safetensors"));
        String outOption = output != null ? "--output" : "the output next to --input";
        OutputFiles.checkWritable(spec.commandLine(), outOption, out);
        OutputFiles.checkApartFrom(spec.commandLine(), outOption, out, Map.of("--checkpoint", checkpoint, "--input", input));
        NeuralModel model = ModelCheckpoint.load(checkpoint);
        Tensor x;
        Tensor gradOutput = null;
        try (SafetensorsFile f = SafetensorsReader.open(input)) {
            if (!f.contains("x")) {
                throw new IllegalArgumentException(input + " has no tensor 'x' (it holds " + f.names() + ")");
            }
            x = floats(f, input, "x");
            if (grad && f.contains("grad_output")) {
                gradOutput = floats(f, input, "grad_output");
            }
        }
        Map<String, Tensor> outputs = run(model, x, gradOutput);
        SafetensorsWriter w = new SafetensorsWriter();
        outputs.forEach(w::put);
        w.write(out);
        noteNonFinite(model, x, gradOutput, outputs);
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("wrote " + out + " (y" + (grad ? ", grad.x and " + model.trainableParameters().size() + " parameter gradients" : "") + ")");
        pw.flush();
        return 0;
    }

    /** {@code y}, and with {@code --grad} {@code grad.x} and {@code grad.NAME}, as float32, in that order. */
    private Map<String, Tensor> run(NeuralModel model, Tensor x, Tensor gradOutput) {
        // x in the parameters' dtype: a float64 x (numpy's default) would otherwise reach the first
        // product as a dtype mismatch deep inside it
        List<Var> params = model.trainableParameters();
        Tensor xt = params.isEmpty() ? x : x.to(params.getFirst().value().dtype());
        Var xv = grad ? Var.parameter(xt) : Var.constant(xt);
        Var y;
        try {
            y = model.forward(xv);
        } catch (IllegalArgumentException e) {   // x does not fit the model: name the file it came from
            throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
        }
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("y", y.value().to(DType.F32));
        if (!grad) {
            return w;
        }
        if (gradOutput != null && !gradOutput.shape().equals(y.shape())) {
            throw new IllegalArgumentException(input + ": grad_output " + gradOutput.shape() + " does not match y "
                    + y.shape());
        }
        Tensor seed = gradOutput != null ? gradOutput.to(y.dtype()) : Tensor.ones(y.shape().dims()).to(y.dtype());
        y.backward(seed);
        w.put("grad.x", xv.gradOrZeros().to(DType.F32).contiguous());
        // in the checkpoint's names and shapes (a sparse weight's gradient dense, 0 off its mask)
        for (Map.Entry<String, Tensor> e : model.module().stateGradients().entrySet()) {
            w.put("grad." + e.getKey(), e.getValue().to(DType.F32).contiguous());
        }
        return w;
    }

    /**
     * One note on stderr when NaN or ±Inf reached the run or came out of it: how many values of x,
     * grad_output and the checkpoint's parameters were not finite, and how many of y and the
     * gradients. The outputs are kept as computed (NaN in, NaN out, as PyTorch gives); stdout keeps
     * its one "wrote" line.
     */
    private void noteNonFinite(NeuralModel model, Tensor x, Tensor gradOutput, Map<String, Tensor> outputs) {
        List<String> in = new ArrayList<>();
        count(in, "x", x);
        if (gradOutput != null) {
            count(in, "grad_output", gradOutput);
        }
        long params = 0;
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, Var> e : model.module().namedParameters().entrySet()) {
            long n = nonFinite(e.getValue().value());
            params += n;
            if (n > 0) {
                where.add(e.getKey());
            }
        }
        if (params > 0) {
            in.add("the parameters " + params + " of " + model.module().parameterCount() + " (in " + String.join(", ", where) + ")");
        }
        List<String> outs = new ArrayList<>();
        count(outs, "y", outputs.get("y"));
        long grads = 0;
        long gradSize = 0;
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            if (e.getKey().startsWith("grad.")) {
                grads += nonFinite(e.getValue());
                gradSize += e.getValue().size();
            }
        }
        if (grads > 0) {
            outs.add("the gradients " + grads + " of " + gradSize);
        }
        if (in.isEmpty() && outs.isEmpty()) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("ganglion eval: note: NaN or ±Inf values in the inputs: " + (in.isEmpty() ? "none" : String.join(", ", in))
                + "; in the outputs: " + (outs.isEmpty() ? "none" : String.join(", ", outs))
                + "; written as computed (NaN in, NaN out, as in PyTorch)");
        err.flush();
    }

    /** Adds "NAME n of size" to {@code parts} when {@code t} holds n &gt; 0 values that are not finite. */
    private static void count(List<String> parts, String name, Tensor t) {
        long n = nonFinite(t);
        if (n > 0) {
            parts.add(name + " " + n + " of " + t.size());
        }
    }

    /** How many of {@code t}'s values are NaN or ±Inf. */
    private static long nonFinite(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).filter(v -> !Double.isFinite(v)).count();
    }
}
