package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Parallel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of PNG or JPEG images, decoded with {@link ImageIO}, resized so the shorter side is
 * {@code size}, center-cropped to size×size and scaled to [−1, 1], as grey (C = 1) or RGB (C = 3).
 *
 * <p>Layout, as torchvision's {@code ImageFolder}: when {@code root} has sub-folders, each is a class (sorted
 * by name; label k is the k-th folder) holding its images at any depth; otherwise the images directly in
 * {@code root} form an unlabeled dataset. Files are taken in sorted path order. Extensions: .png, .jpg,
 * .jpeg (any case); other files are skipped.
 *
 * <p>Colour: RGB becomes grey by the ITU-R 601-2 luma {@code L = 0.299 R + 0.587 G + 0.114 B} (as PIL's
 * {@code convert("L")}); grey becomes RGB by copying it to the three channels. Alpha is ignored. Sample
 * values are read from the raster (not through {@code getRGB}, which would gamma-convert grey images),
 * scaled by the bit depth, so 8-bit and 16-bit files both map to [0, 1] before [−1, 1].
 *
 * <p>Defaults: 1 channel, {@link Resize#AREA}. Errors: a file ImageIO cannot decode gives an
 * {@link IOException} naming the file; a folder with no images, or images both in root and in class
 * folders, is an error naming the folder.
 */
public final class ImageFolderDataset extends InMemoryDataset {

    private final List<Path> files;

    private ImageFolderDataset(float[] pixels, int n, int c, int size, int[] labels, List<String> classNames,
                               List<Path> files) {
        super(pixels, n, c, size, size, labels, classNames);
        this.files = List.copyOf(files);
    }

    /** The file of each image, by index. */
    public List<Path> files() {
        return files;
    }

    /** Options for {@link #load}, named like torchvision's transforms. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** {@code ImageFolderDataset.builder(root).size(32).channels(3).resize(Resize.BILINEAR).load()}. */
    public static final class Builder {
        private final Path root;
        private int size = 28;
        private int channels = 1;
        private Resize resize = Resize.AREA;

        private Builder(Path root) {
            this.root = root;
        }

        /** Output height and width (default 28). */
        public Builder size(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("size must be >= 1, got " + size);
            }
            this.size = size;
            return this;
        }

        /** 1 for grey or 3 for RGB (default 1). */
        public Builder channels(int channels) {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
            }
            this.channels = channels;
            return this;
        }

        /** The resampling filter (default {@link Resize#AREA}). */
        public Builder resize(Resize resize) {
            this.resize = resize;
            return this;
        }

        /** Reads and converts every image, in parallel over files. */
        public ImageFolderDataset load() throws IOException {
            return ImageFolderDataset.load(root, size, channels, resize);
        }
    }

    private static ImageFolderDataset load(Path root, int size, int channels, Resize resize) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "no such image folder");
        }
        // 1. Find the files and their labels.
        List<Path> classDirs = sorted(root, Files::isDirectory);
        List<Path> topImages = sorted(root, ImageFolderDataset::isImage);
        List<Path> files = new ArrayList<>();
        List<String> classNames = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> inClass;
            try (Stream<Path> walk = Files.walk(dir)) {
                inClass = walk.filter(ImageFolderDataset::isImage).sorted().toList();
            }
            if (inClass.isEmpty()) {
                continue; // as torchvision: a folder without images is no class
            }
            for (Path f : inClass) {
                files.add(f);
                labelList.add(classNames.size());
            }
            classNames.add(dir.getFileName().toString());
        }
        if (!classNames.isEmpty() && !topImages.isEmpty()) {
            throw new IOException(root + ": holds images (" + topImages.getFirst().getFileName() + ", ...) beside"
                    + " class folders (" + classNames.getFirst() + ", ...); put every image in a class folder, or"
                    + " none");
        }
        if (classNames.isEmpty()) {
            files.addAll(topImages);
        }
        if (files.isEmpty()) {
            throw new IOException(root + ": no .png, .jpg or .jpeg images in the folder or its class folders");
        }
        // 2. Decode, convert and resize each file into its slot; slots are fixed by the index, so the result
        //    does not depend on the thread count.
        int n = files.size();
        int per = channels * size * size;
        float[] pixels = new float[n * per]; // [N, C, size, size]
        try {
            Parallel.forRange(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    try {
                        convert(files.get(i), channels, size, resize, pixels, i * per);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int[] labels = classNames.isEmpty() ? null : labelList.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFolderDataset(pixels, n, channels, size, labels, classNames, files);
    }

    private static List<Path> sorted(Path dir, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(keep).sorted().toList();
        }
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    /** Decodes {@code file} and writes it as [channels, size, size] in [−1, 1] to {@code dst[offset ..]}. */
    private static void convert(Path file, int channels, int size, Resize resize, float[] dst, int offset)
            throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not an image ImageIO can read (PNG and JPEG are supported)");
        }
        float[][] planes = planes(img, channels); // [channels][h * w] in [0, 1]
        int plane = size * size;
        for (int ch = 0; ch < channels; ch++) {
            float[] out = resize.resizeAndCenterCrop(planes[ch], img.getHeight(), img.getWidth(), size);
            for (int k = 0; k < plane; k++) {
                float v = Math.clamp(out[k], 0f, 1f); // rounding in the filters may step a hair outside
                dst[offset + ch * plane + k] = v * 2f - 1f; // [0, 1] -> [−1, 1] (Ho et al. 2020, §4)
            }
        }
    }

    /** The image as {@code channels} planes [H·W] in [0, 1]. */
    private static float[][] planes(BufferedImage img, int channels) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] r = new float[h * w];
        float[] g = new float[h * w];
        float[] b = new float[h * w];
        boolean grey;
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        if (img.getColorModel() instanceof IndexColorModel || bands > 4) {
            // Palette images: the colour model maps each index to sRGB.
            grey = false;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    r[y * w + x] = ((argb >> 16) & 0xFF) / 255f;
                    g[y * w + x] = ((argb >> 8) & 0xFF) / 255f;
                    b[y * w + x] = (argb & 0xFF) / 255f;
                }
            }
        } else {
            grey = bands <= 2; // grey, or grey + alpha
            float scale = 1f / ((1 << img.getColorModel().getComponentSize(0)) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r[y * w + x] = raster.getSample(x, y, 0) * scale;
                    if (!grey) {
                        g[y * w + x] = raster.getSample(x, y, 1) * scale;
                        b[y * w + x] = raster.getSample(x, y, 2) * scale;
                    }
                }
            }
        }
        if (channels == 1) {
            if (!grey) {
                for (int k = 0; k < r.length; k++) {
                    r[k] = 0.299f * r[k] + 0.587f * g[k] + 0.114f * b[k]; // ITU-R 601-2 luma
                }
            }
            return new float[][] {r};
        }
        return grey ? new float[][] {r, r.clone(), r.clone()} : new float[][] {r, g, b};
    }
}
