package io.shadow.agents.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Walks the records of one segment file from a known position with large buffered reads (a
 * syscall per megabyte, not two per record), checking each record's length and checksum.
 */
final class SegmentReader {
    static final int HEADER = 8;
    private static final int WINDOW = 1 << 20;

    private final FileChannel ch;
    private final long limit;
    private ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart = -1;
    private long pos;
    private long seq;
    private String problem;

    SegmentReader(FileChannel ch, long startSeq, long startPos) throws IOException {
        this.ch = ch;
        this.limit = ch.size();
        this.seq = startSeq;
        this.pos = startPos;
    }

    /** Sequence number of the record {@link #next} would return. */
    long sequence() {
        return seq;
    }

    /** Byte position of the record {@link #next} would return. */
    long position() {
        return pos;
    }

    /** Why the walk stopped early, or null if it reached the end of the data. */
    String problem() {
        return problem;
    }

    /**
     * The next record's payload, or null at the end of valid data (see {@link #problem()}).
     *
     * @param verify whether to read the payload and check its checksum (false skips over it)
     */
    byte[] next(boolean verify) throws IOException {
        if (pos + HEADER > limit) {
            if (pos != limit) {
                problem = "torn record header at the end";
            }
            return null;
        }
        ensure(pos, HEADER);
        int off = (int) (pos - windowStart);
        int len = window.getInt(off);
        int crc = window.getInt(off + 4);
        if (len < 0 || pos + HEADER + len > limit) {
            problem = "record length " + len + " runs past the end";
            return null;
        }
        byte[] payload = null;
        if (verify) {
            payload = new byte[len];
            if (len > WINDOW - HEADER) {
                ByteBuffer body = ByteBuffer.wrap(payload);
                while (body.hasRemaining()) {
                    if (ch.read(body, pos + HEADER + body.position()) < 0) {
                        break;
                    }
                }
            } else {
                ensure(pos, HEADER + len);
                window.get((int) (pos - windowStart) + HEADER, payload);
            }
            if (crc(payload) != crc) {
                problem = "checksum mismatch";
                return null;
            }
        }
        pos += HEADER + len;
        seq++;
        return verify ? payload : new byte[0];
    }

    private void ensure(long at, int bytes) throws IOException {
        if (windowStart >= 0 && at >= windowStart && at + bytes <= windowStart + window.limit()) {
            return;
        }
        window.clear();
        windowStart = at;
        while (window.hasRemaining()) {
            int r = ch.read(window, windowStart + window.position());
            if (r <= 0) {
                break;
            }
        }
        window.flip();
    }

    static int crc(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
    }
}
