package dev.sfumato.nn.serialization;

import dev.sfumato.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a safetensors file: its tensors in data-offset order and its {@code __metadata__}
 * string map (empty when the file has none). Both maps are unmodifiable copies that keep their order.
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {

    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
