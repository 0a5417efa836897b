package io.shadow.agents.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk that runs out of space: spools opened through it write real segment files, but once
 * {@link #room} bytes are written a write stores only what fits and the next one fails with
 * "No space left on device", as write(2) does on a full file system. It can also {@link #goBad}:
 * writes still land, but every fsync and truncate fails with "Input/output error".
 */
public final class FillingDisk {
    private final AtomicLong room = new AtomicLong(Long.MAX_VALUE);
    private final AtomicBoolean bad = new AtomicBoolean();
    /** A file system of this many bytes holding {@link #volume}: deleting files there gives room back. */
    private volatile long capacity = -1;
    private volatile Path volume;

    /**
     * From now on the disk is a file system of {@code bytes} bytes holding {@code dir} (as a small tmpfs
     * mounted there): what can be written is the capacity less the files in it, so a delete frees room.
     */
    public void capacity(Path dir, long bytes) {
        volume = dir;
        capacity = bytes;
    }

    private long left() throws IOException {
        if (capacity < 0) {
            return room.get();
        }
        long used = 0;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(volume)) {
            for (Path p : files.toList()) {
                if (java.nio.file.Files.isRegularFile(p)) {
                    used += java.nio.file.Files.size(p);
                }
            }
        }
        return Math.max(0, capacity - used);
    }

    /** Bytes that can still be written from now on. */
    public void room(long bytes) {
        room.set(bytes);
    }

    /** Space is back (and a disk that went bad works again). */
    public void freed() {
        room.set(Long.MAX_VALUE);
        bad.set(false);
    }

    /** From now on force and truncate fail, as fsync(2) and ftruncate(2) do with EIO on a failing disk. */
    public void goBad() {
        bad.set(true);
    }

    private void failIfBad() throws IOException {
        if (bad.get()) {
            throw new IOException("Input/output error");
        }
    }

    public Spool open(Path dir, long segmentBytes, long maxBytes) {
        return Spool.open(dir, segmentBytes, maxBytes, p -> new Channel(FileChannel.open(p,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)));
    }

    private final class Channel extends FileChannel {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long left = left();
            if (left == 0) {
                throw new IOException("No space left on device");
            }
            if (src.remaining() <= left) {
                int n = file.write(src);
                if (capacity < 0) {
                    room.addAndGet(left == Long.MAX_VALUE ? 0 : -n);
                }
                return n;
            }
            ByteBuffer fits = src.slice().limit((int) left);
            int n = file.write(fits);
            src.position(src.position() + n);
            if (capacity < 0) {
                room.addAndGet(-n);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            failIfBad();
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            failIfBad();
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("the spool appends with write(ByteBuffer)");
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new UnsupportedOperationException("the spool appends with write(ByteBuffer)");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
