package dev.sfumato.diffusion.sampler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Locale;

import static dev.sfumato.diffusion.testing.DiffusionGolden.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

class TimestepSpacingTest {

    private static final int[][] CASES = {{1000, 50}, {1000, 7}, {1000, 333}, {1000, 61}, {1000, 1}, {20, 7}};

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void listsMatchNumpyExactly(TimestepSpacing spacing) {
        for (int[] c : CASES) {
            String name = "timesteps." + spacing.name().toLowerCase(Locale.ROOT) + ".T" + c[0] + ".S" + c[1];
            assertArrayEquals(ints(name), DdimSampler.timesteps(c[0], c[1], spacing), name);
        }
    }

    /** Every spacing, every S: S entries, in range, never increasing. */
    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void everyStepCountGivesADescendingListInRange(TimestepSpacing spacing) {
        for (int numTrain : new int[] {1, 20, 1000}) {
            for (int s = 1; s <= numTrain; s++) {
                int[] steps = spacing.timesteps(numTrain, s);
                assertEquals(s, steps.length);
                for (int i = 0; i < s; i++) {
                    boolean inRange = steps[i] >= 0 && steps[i] < numTrain;
                    boolean descending = i == 0 || steps[i] <= steps[i - 1];
                    if (!inRange || !descending) {
                        fail(spacing + " T=" + numTrain + " S=" + s + ": " + Arrays.toString(steps));
                    }
                }
            }
        }
    }

    @Test
    void endsOfEachSpacing() {
        // linspace starts at T−1 and ends at 0; leading ends at 0; trailing starts at T−1.
        int[] linspace = TimestepSpacing.LINSPACE.timesteps(1000, 50);
        assertEquals(999, linspace[0]);
        assertEquals(0, linspace[49]);
        int[] leading = TimestepSpacing.LEADING.timesteps(1000, 50);
        assertEquals(980, leading[0]);
        assertEquals(0, leading[49]);
        int[] trailing = TimestepSpacing.TRAILING.timesteps(1000, 50);
        assertEquals(999, trailing[0]);
        assertEquals(19, trailing[49]);
        // np.round is round-half-to-even: 166.5 -> 166, 499.5 -> 500, 832.5 -> 832.
        assertArrayEquals(new int[] {999, 832, 666, 500, 333, 166, 0}, TimestepSpacing.LINSPACE.timesteps(1000, 7));
        // The full schedule visits every step once.
        int[] all = TimestepSpacing.LEADING.timesteps(20, 20);
        for (int i = 0; i < 20; i++) {
            assertEquals(19 - i, all[i]);
        }
    }

    @Test
    void rejectsStepCountsOutsideOneToT() {
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.LEADING.timesteps(1000, 0));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.TRAILING.timesteps(1000, 1001));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.QUAD.timesteps(0, 1));
    }
}
