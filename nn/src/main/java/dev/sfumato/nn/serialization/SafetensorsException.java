package dev.sfumato.nn.serialization;

import java.io.IOException;

/**
 * A safetensors file that cannot be read as written, or that does not fit the model it is loaded into.
 *
 * <p>The message always starts with the file, then names the tensor key and the header field where there is
 * one, e.g. {@code model.safetensors: tensor 'conv.weight': data_offsets [0, 100] hold 100 bytes but dtype
 * F32 and shape [3, 3] need 36}.
 */
public class SafetensorsException extends IOException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
