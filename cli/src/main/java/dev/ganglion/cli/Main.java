package dev.ganglion.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ganglion} command (shared/specs/cli.md): {@code info}, {@code bench}, {@code train}, {@code eval}. Run through the
 * {@code ./ganglion} launcher, which also handles {@code ganglion jmh}.
 *
 * <p>Exit status: 0 success, 2 bad usage (unknown command, kernel or flag, bad value), 1 any
 * other failure. Errors are one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "ganglion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {InfoCommand.class, BenchCommand.class, TrainCommand.class, EvalCommand.class,
                CommandLine.HelpCommand.class},
        description = "Ganglion: pure-Java tensors, autodiff and sparse kernels for brain-inspired networks.",
        footer = {"", "Also: ./ganglion jmh [JMH arguments] runs the JMH benchmarks of bench/."})
public final class Main implements Runnable {
    /** Exit status for bad usage. */
    public static final int USAGE = 2;
    /** Exit status for failures at run time. */
    public static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line in-process, writing to {@code out} and {@code err}; the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler((ex, a) -> usageError(ex, verbose));
        cl.setExecutionExceptionHandler((ex, c, parsed) -> failure(ex, c, verbose));
        int rc;
        try {
            rc = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler above. The failed allocation's frames are
            // gone by now, so there is heap again to say what happened.
            rc = failure(outOfMemory(e), command(cl), verbose);
        } catch (ExceptionInInitializerError e) {
            // an engine class refusing its configuration, e.g. -Dganglion.simd=999 in GANGLION_JAVA_OPTS
            rc = failure(e.getCause() instanceof Exception c ? c : new Exception(e.toString(), e), command(cl), verbose);
        }
        cl.getOut().flush();
        cl.getErr().flush();
        return rc;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: info, bench, train or eval (see ganglion --help)");
    }

    private static int usageError(ParameterException ex, boolean verbose) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println(oneLine(usageMessage(ex)));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    private static String usageMessage(ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (c.getCommandName().equals("ganglion")) {
            if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().getFirst().startsWith("-")) {
                return "ganglion: unknown command '" + u.getUnmatched().getFirst()
                        + "'; commands: info, bench, train, eval, jmh (see ganglion --help)";
            }
            return "ganglion: " + ex.getMessage();
        }
        String name = c.getCommandName();
        return "ganglion " + name + ": " + ex.getMessage() + " (see ganglion " + name + " --help)";
    }

    private static int failure(Exception ex, CommandLine c, boolean verbose) {
        PrintWriter err = c.getErr();
        String prefix = c.getCommandName().equals("ganglion") ? "ganglion: " : "ganglion " + c.getCommandName() + ": ";
        boolean usage = ex instanceof IllegalArgumentException;
        err.println(oneLine(prefix + (usage ? "" : "error: ") + message(ex)));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return usage ? USAGE : FAILURE;
    }

    /**
     * An error as the one line the CLI promises: control characters (a line break, or a terminal
     * escape inside a tensor name read from a file) written as {@code \\uXXXX}, so that no message
     * can break the line or drive the terminal.
     */
    static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** The subcommand the arguments named (for the prefix of its messages), else the root. */
    private static CommandLine command(CommandLine cl) {
        CommandLine.ParseResult at = cl.getParseResult();
        while (at != null && at.subcommand() != null) {
            at = at.subcommand();
        }
        return at == null ? cl : at.commandSpec().commandLine();
    }

    /** An {@link OutOfMemoryError} as a failure that says how large the heap was and how to raise it. */
    private static Exception outOfMemory(OutOfMemoryError e) {
        long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
        Exception ex = new Exception("out of memory (" + e.getMessage() + ", the JVM's limit is " + maxMiB
                + " MiB): give it more with GANGLION_JAVA_OPTS=-Xmx<size>, e.g. -Xmx" + Math.max(1, 2 * maxMiB >> 10) + "g, "
                + "or use a smaller batch or model");
        ex.initCause(e);
        return ex;
    }

    /**
     * The one-line text of a failure. The JDK's file-system exceptions without a reason give only
     * the path as their message; the reason is then named from the type.
     */
    static String message(Exception ex) {
        if (ex instanceof FileSystemException f && f.getReason() == null) {
            String why = switch (f) {
                case NoSuchFileException _ -> "no such file or folder";
                case AccessDeniedException _ -> "permission denied";
                case FileAlreadyExistsException _ -> "already exists";
                case NotDirectoryException _ -> "not a folder";
                case DirectoryNotEmptyException _ -> "folder not empty";
                default -> f.getClass().getSimpleName();
            };
            return f.getMessage() + ": " + why;
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    /** Version for {@code --version}: the project version the build wrote into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ganglion " + p.getProperty("version", "(version unknown: no version.properties)"),
                    "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
