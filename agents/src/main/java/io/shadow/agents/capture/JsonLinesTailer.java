package io.shadow.agents.capture;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Tails a line-oriented log file that gets rotated (renamed away and recreated, or truncated). The
 * open file is followed by its identity (inode), not its name: after a rotation the rest of the
 * old file is read first, then the new one from its start. A partial last line waits until its
 * newline arrives. Progress (file identity and offset of the last complete line handed over) is
 * persisted after each acknowledged batch, and on restart a file rotated while the agent was down
 * is found among its siblings by identity and finished first. The identity includes a checksum of
 * the file's first bytes, as file systems reuse a deleted file's inode for the next new file; that
 * checksum is compared on every poll, so a copytruncate is noticed even when the file has grown past
 * the old offset again by then. A line longer than {@code maxLineBytes} is never held whole: it is
 * read and discarded up to its newline and handed over as an {@link Overlong} (its offset, length
 * and first bytes), so one huge line cannot exhaust the heap.
 */
public final class JsonLinesTailer implements AutoCloseable {
    /** Receives complete lines; returns when they are durable. */
    @FunctionalInterface
    public interface LineHandler {
        void accept(List<String> lines);
    }

    /** A line longer than the limit: skipped unread but for its first bytes. */
    public record Overlong(long offset, long length, String head) {
    }

    /** Receives complete lines and the lines skipped as too long; returns when they are durable. */
    @FunctionalInterface
    public interface Handler extends LineHandler {
        void accept(List<String> lines, List<Overlong> overlong);

        @Override
        default void accept(List<String> lines) {
            accept(lines, List.of());
        }
    }

    /** Default bound on one line (sources.max-line-bytes): 1 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    /** Bytes of an overlong line kept for its rejection record. */
    static final int OVERLONG_HEAD = 1024;

    private static final int CHUNK = 1 << 16;
    /** Bytes of the file's start kept as a checksum: an inode freed and reused for a new file differs there. */
    private static final int HEAD = 1024;
    private final Path path;
    private final SourceState state;
    private final int maxLinesPerPoll;
    private final long maxLineBytes;
    private FileChannel channel;
    /** An overlong line whose newline has not arrived yet: where it starts, how far it was scanned, its head. */
    private long skipStart = -1;
    private long skipScanned;
    private byte[] skipHead;
    private Object fileKey;
    private long offset;
    private long headLength;
    private long headCrc;

    public JsonLinesTailer(Path path, Path stateDir, String name, int maxLinesPerPoll) {
        this(path, stateDir, name, maxLinesPerPoll, DEFAULT_MAX_LINE_BYTES);
    }

    /** @param maxLineBytes longer lines are skipped without being buffered and handed over as {@link Overlong} */
    public JsonLinesTailer(Path path, Path stateDir, String name, int maxLinesPerPoll, long maxLineBytes) {
        this.path = path;
        this.state = new SourceState(stateDir, name);
        this.maxLinesPerPoll = maxLinesPerPoll;
        this.maxLineBytes = maxLineBytes;
        ObjectNode s = state.load();
        this.offset = s.path("offset").asLong(0);
        String savedKey = s.path("file_key").asText(null);
        this.headLength = s.path("head_length").asLong(0);
        this.headCrc = s.path("head_crc").asLong(0);
        try {
            resume(savedKey);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open " + path, e);
        }
    }

    private void resume(String savedKey) throws IOException {
        if (savedKey == null) {
            offset = 0;
            return;
        }
        Path same = findByKey(savedKey);
        if (same != null) {
            channel = FileChannel.open(same, StandardOpenOption.READ);
            fileKey = key(same);
            if (channel.size() < offset) {
                offset = 0;
            }
        } else {
            offset = 0;
        }
    }

    /** Reads new complete lines (following a rotation if there was one); returns how many were handed over. */
    public int poll(LineHandler handler) throws IOException {
        int total = 0;
        while (true) {
            if (channel == null && !openCurrent()) {
                return total;
            }
            if (truncated()) {
                // truncated (copytruncate) and perhaps written again past the old offset: read from the start
                offset = 0;
                skipStart = -1;
                save();
            }
            int n = readLines(handler);
            total += n;
            if (n > 0 && total >= maxLinesPerPoll) {
                return total;
            }
            Object current = currentKey();
            boolean rotated = current != null && !current.equals(fileKey);
            if (rotated) {
                if (readLines(handler) > 0) {
                    continue;
                }
                channel.close();
                channel = null;
                offset = 0;
                skipStart = -1;
                continue;
            }
            if (current != null && truncated()) {
                continue;
            }
            return total;
        }
    }

    /**
     * Whether the open file was truncated under the offset: it is shorter, or its first bytes (up to
     * 1 KiB, read on every poll) are no longer the ones read before.
     */
    private boolean truncated() throws IOException {
        if (channel.size() < offset) {
            return true;
        }
        return headLength > 0 && headCrc(channel, headLength) != headCrc;
    }

    private boolean openCurrent() throws IOException {
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        fileKey = key(path);
        if (channel.size() < offset) {
            offset = 0;
        }
        return true;
    }

    private int readLines(LineHandler handler) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Overlong> overlong = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long pos = offset;
        long committed = offset;
        long lineStart = offset;
        boolean skipping = false;
        if (skipStart == offset && skipStart >= 0) {
            // the overlong line found at the last poll: go on scanning for its newline where that one stopped
            pos = skipScanned;
            skipping = true;
            pending.writeBytes(skipHead);
        }
        while (lines.size() + overlong.size() < maxLinesPerPoll) {
            buf.clear();
            int r = channel.read(buf, pos);
            if (r <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                pos++;
                if (b == '\n') {
                    if (skipping) {
                        overlong.add(new Overlong(lineStart, pos - 1 - lineStart, pending.toString(StandardCharsets.UTF_8)));
                        skipping = false;
                        skipStart = -1;
                    } else {
                        String line = pending.toString(StandardCharsets.UTF_8);
                        if (!line.isBlank()) {
                            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                        }
                    }
                    pending.reset();
                    committed = pos;
                    lineStart = pos;
                    if (lines.size() + overlong.size() >= maxLinesPerPoll) {
                        break;
                    }
                } else if (!skipping) {
                    pending.write(b);
                    if (pending.size() > maxLineBytes) {
                        // never hold the whole line: keep its head for the rejection, discard up to the newline
                        skipping = true;
                        byte[] head = java.util.Arrays.copyOf(pending.toByteArray(), OVERLONG_HEAD);
                        pending.reset();
                        pending.writeBytes(head);
                    }
                }
            }
        }
        if (skipping) {
            // its newline has not arrived yet: the next poll resumes the scan here instead of from its start
            skipStart = lineStart;
            skipScanned = pos;
            skipHead = pending.toByteArray();
        }
        if (!lines.isEmpty() || !overlong.isEmpty()) {
            if (handler instanceof Handler h) {
                h.accept(lines, overlong);
            } else {
                handler.accept(lines);
            }
        }
        if (committed != offset) {
            offset = committed;
            save();
        }
        return lines.size() + overlong.size();
    }

    private void save() {
        ObjectNode s = io.shadow.features.json.EventCodec.mapper().createObjectNode();
        s.put("path", path.toString());
        s.put("file_key", String.valueOf(fileKey));
        s.put("offset", offset);
        headLength = Math.min(offset, HEAD);
        try {
            headCrc = headCrc(channel, headLength);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + path, e);
        }
        s.put("head_length", headLength);
        s.put("head_crc", headCrc);
        state.save(s);
    }

    private Object currentKey() throws IOException {
        try {
            return key(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Object key(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey().toString() : p.toAbsolutePath() + "@" + a.creationTime();
    }

    private Path findByKey(String savedKey) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (Files.exists(path) && Objects.equals(String.valueOf(key(path)), savedKey) && sameHead(path)) {
            return path;
        }
        try (Stream<Path> siblings = Files.list(dir)) {
            for (Path p : siblings.filter(Files::isRegularFile).toList()) {
                if (String.valueOf(key(p)).equals(savedKey) && sameHead(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private boolean sameHead(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return ch.size() >= headLength && headCrc(ch, headLength) == headCrc;
        }
    }

    private static long headCrc(FileChannel ch, long length) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) length);
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
            // read until the head is full or the file ends
        }
        CRC32C crc = new CRC32C();
        crc.update(head.array(), 0, head.position());
        return crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
