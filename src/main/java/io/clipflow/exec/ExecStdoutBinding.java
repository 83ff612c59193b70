package io.clipflow.exec;

import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.impl.DefaultExecBinding;
import org.springframework.stereotype.Component;

/**
 * camel-exec's binding (headers and endpoint options to command, result to body and headers) plus one thing: a {@code
 * Consumer<String>} in the exchange variable {@value #STDOUT_VARIABLE} receives the process's stdout lines while it
 * runs, when {@link FfmpegExecutor} runs the step. Route video-process's transcode step uses it ({@code binding:
 * "#execStdoutBinding"}) for ffmpeg's {@code -progress} output.
 */
@Component("execStdoutBinding")
public class ExecStdoutBinding extends DefaultExecBinding {

    public static final String STDOUT_VARIABLE = "execStdout";

    @Override
    @SuppressWarnings("unchecked")
    public ExecCommand readInput(Exchange exchange, ExecEndpoint endpoint) {
        ExecCommand command = super.readInput(exchange, endpoint);
        Object listener = exchange.getVariable(STDOUT_VARIABLE);
        if (listener == null) {
            return command;
        }
        if (!(listener instanceof Consumer<?>)) {
            throw new IllegalArgumentException("variable " + STDOUT_VARIABLE + " must hold a Consumer of stdout lines,"
                    + " not a " + listener.getClass().getName());
        }
        return new StreamedExecCommand(command, (Consumer<String>) listener);
    }
}
