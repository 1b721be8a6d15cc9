package io.jfaasm.runtime.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LinearMemoryTest {
    static final int PAGE = Memory.PAGE_SIZE;

    @Test
    void growsUpToItsLimitAndRefusesBeyond() {
        try (LinearMemory m = new LinearMemory(1, 4)) {
            assertThat(m.pages()).isEqualTo(1);
            assertThat(m.grow(2)).isEqualTo(1);
            assertThat(m.pages()).isEqualTo(3);
            assertThat(m.growRefused()).isFalse();
            assertThat(m.grow(2)).isEqualTo(-1);
            assertThat(m.growRefused()).isTrue();
            assertThat(m.pages()).isEqualTo(3);
            assertThat(m.grow(1)).isEqualTo(3);
            assertThat(m.grow(0)).isEqualTo(4);
            assertThat(m.grow(-1)).as("negative delta is a huge unsigned one").isEqualTo(-1);
        }
    }

    @Test
    void accessesTrapExactlyAtTheEdge() {
        try (LinearMemory m = new LinearMemory(1, 2)) {
            m.writeI32(PAGE - 4, 0x01020304);
            assertThat(m.readInt(PAGE - 4)).isEqualTo(0x01020304);
            assertThat(m.read(PAGE - 4)).isEqualTo((byte) 4); // little endian
            assertThatThrownBy(() -> m.readInt(PAGE - 3)).isInstanceOf(WasmRuntimeException.class)
                    .hasMessageContaining("out of bounds memory access");
            assertThatThrownBy(() -> m.readLong(-8)).isInstanceOf(WasmRuntimeException.class);
            assertThatThrownBy(() -> m.writeByte(PAGE, (byte) 1)).isInstanceOf(WasmRuntimeException.class);
            assertThatThrownBy(() -> m.readBytes(PAGE - 1, 2)).isInstanceOf(WasmRuntimeException.class);
            assertThatThrownBy(() -> m.write(10, new byte[4], 2, 4)).isInstanceOf(WasmRuntimeException.class);
            assertThatThrownBy(() -> m.copy(0, PAGE - 1, 2)).isInstanceOf(WasmRuntimeException.class);
            assertThatThrownBy(() -> m.fill((byte) 0, PAGE - 1, PAGE + 1)).isInstanceOf(WasmRuntimeException.class);
            m.grow(1);
            assertThat(m.readInt(PAGE - 3)).as("visible once grown").isEqualTo(0x00010203);
        }
    }

    @Test
    void typedAccessRoundTrips() {
        try (LinearMemory m = new LinearMemory(1, 1)) {
            m.writeLong(3, Long.MIN_VALUE + 5);
            assertThat(m.readLong(3)).isEqualTo(Long.MIN_VALUE + 5);
            m.writeF64(17, Math.PI);
            assertThat(m.readDouble(17)).isEqualTo(Math.PI);
            assertThat(Double.longBitsToDouble(m.readF64(17))).isEqualTo(Math.PI);
            m.writeF32(40, 1.5f);
            assertThat(m.readFloat(40)).isEqualTo(1.5f);
            m.writeShort(50, (short) -2);
            assertThat(m.readShort(50)).isEqualTo((short) -2);
            assertThat(m.readU16(50)).isEqualTo(0xFFFE);
            m.write(100, new byte[] {1, 2, 3, 4, 5});
            m.copy(102, 100, 5); // overlapping copy
            assertThat(m.readBytes(100, 7)).containsExactly(1, 2, 1, 2, 3, 4, 5);
            m.fill((byte) 9, 200, 210);
            assertThat(m.readBytes(199, 12)).containsExactly(0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0);
        }
    }

    @Test
    void zeroResetsVisiblePages() {
        try (LinearMemory m = new LinearMemory(2, 2)) {
            m.writeLong(PAGE + 8, -1);
            m.zero();
            assertThat(m.readLong(PAGE + 8)).isZero();
        }
    }

    @Test
    void initialAboveTheLimitIsRefusedWithItsReason() {
        assertThatThrownBy(() -> new LinearMemory(10, 4)).isInstanceOf(MemoryLimitException.class)
                .hasMessageContaining("10 pages").hasMessageContaining("limit is 4 pages");
    }

    @Test
    void closeUnmapsTheReservation() throws IOException {
        LinearMemory m = new LinearMemory(1, 16);
        String start = Long.toHexString(m.baseAddress());
        assertThat(maps()).contains(start + "-");
        m.close();
        assertThat(maps()).doesNotContain(start + "-");
        m.close(); // idempotent
    }

    private static String maps() throws IOException {
        return Files.readString(Path.of("/proc/self/maps"));
    }
}
