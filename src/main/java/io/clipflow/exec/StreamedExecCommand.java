package io.clipflow.exec;

import java.util.function.Consumer;
import org.apache.camel.component.exec.ExecCommand;

/** An exec command whose stdout lines go to a listener as they are written, not into the body. */
final class StreamedExecCommand extends ExecCommand {

    private static final long serialVersionUID = 1L;

    private final transient Consumer<String> stdoutLines;

    StreamedExecCommand(ExecCommand command, Consumer<String> stdoutLines) {
        super(
                command.getExecutable(),
                command.getArgs(),
                command.getWorkingDir(),
                command.getTimeout(),
                command.getExitValues(),
                command.getInput(),
                command.getOutFile(),
                command.isUseStderrOnEmptyStdout(),
                command.getCommandLogLevel());
        this.stdoutLines = stdoutLines;
    }

    Consumer<String> stdoutLines() {
        return stdoutLines;
    }
}
