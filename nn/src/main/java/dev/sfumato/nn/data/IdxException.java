package dev.sfumato.nn.data;

import java.io.IOException;

/**
 * An IDX file that does not follow the format. The message starts with the file and names the field:
 * the magic number, the type code, a dim, or the data with the expected and actual byte counts.
 */
public class IdxException extends IOException {

    public IdxException(String message) {
        super(message);
    }

    public IdxException(String message, Throwable cause) {
        super(message, cause);
    }
}
