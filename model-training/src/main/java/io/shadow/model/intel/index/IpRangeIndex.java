package io.shadow.model.intel.index;

import io.shadow.model.intel.Indicator;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * IP and CIDR indicators for look-up in O(log n + prefix length), never a scan. CIDR blocks are
 * either nested or disjoint, so sorted by start (wider first on ties) each block's enclosing block
 * is its parent in a forest. The last block starting at or before an address is the deepest one
 * that can contain it; every block containing the address is on that block's parent chain, which
 * a look-up walks (at most 129 steps), checking each indicator's time window on the way.
 */
public final class IpRangeIndex {
    private final long[] startHi;
    private final long[] startLo;
    private final long[] endHi;
    private final long[] endLo;
    private final int[] parent;
    private final Indicator[][] entries;

    private record Entry(IpBlock block, Indicator indicator) {
    }

    private IpRangeIndex(List<IpBlock> blocks, List<List<Indicator>> groups) {
        int n = blocks.size();
        startHi = new long[n];
        startLo = new long[n];
        endHi = new long[n];
        endLo = new long[n];
        parent = new int[n];
        entries = new Indicator[n][];
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            IpBlock b = blocks.get(i);
            startHi[i] = b.startHi();
            startLo[i] = b.startLo();
            endHi[i] = b.endHi();
            endLo[i] = b.endLo();
            entries[i] = groups.get(i).toArray(Indicator[]::new);
            while (!open.isEmpty() && IpBlock.compare(endHi[open.peek()], endLo[open.peek()], b.startHi(),
                    b.startLo()) < 0) {
                open.pop();
            }
            parent[i] = open.isEmpty() ? -1 : open.peek();
            open.push(i);
        }
    }

    /** Indexes the network indicators (IPv4, IPv6, CIDR) among {@code indicators}. */
    public static IpRangeIndex of(List<Indicator> indicators) {
        List<Entry> all = new ArrayList<>();
        for (Indicator i : indicators) {
            if (i.type().isNetwork()) {
                all.add(new Entry(IpBlock.parse(i.value()), i));
            }
        }
        all.sort((a, b) -> {
            int c = IpBlock.compare(a.block().startHi(), a.block().startLo(), b.block().startHi(), b.block().startLo());
            return c != 0 ? c : -IpBlock.compare(a.block().endHi(), a.block().endLo(), b.block().endHi(),
                    b.block().endLo());
        });
        List<IpBlock> blocks = new ArrayList<>();
        List<List<Indicator>> groups = new ArrayList<>();
        for (Entry e : all) {
            IpBlock last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
            if (last != null && last.startHi() == e.block().startHi() && last.startLo() == e.block().startLo()
                    && last.endHi() == e.block().endHi() && last.endLo() == e.block().endLo()) {
                groups.get(groups.size() - 1).add(e.indicator());
            } else {
                blocks.add(e.block());
                groups.add(new ArrayList<>(List.of(e.indicator())));
            }
        }
        return new IpRangeIndex(blocks, groups);
    }

    /**
     * The active indicator with the highest confidence among those covering {@code ip} at
     * {@code at} (ties: the most specific block), or null; null also for text that is no IP.
     */
    public Indicator match(String ip, Instant at) {
        long[] a = IpBlock.addressOrNull(ip == null ? null : ip.strip());
        if (a == null || parent.length == 0) {
            return null;
        }
        int i = floor(a[0], a[1]);
        Indicator best = null;
        while (i >= 0) {
            if (IpBlock.compare(a[0], a[1], endHi[i], endLo[i]) <= 0) {
                for (Indicator ind : entries[i]) {
                    if (ind.activeAt(at) && (best == null || ind.confidence() > best.confidence())) {
                        best = ind;
                    }
                }
            }
            i = parent[i];
        }
        return best;
    }

    /** Index of the last block whose start is at or before the address, or -1. */
    private int floor(long hi, long lo) {
        int low = 0;
        int high = parent.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (IpBlock.compare(startHi[mid], startLo[mid], hi, lo) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Distinct blocks indexed. */
    public int blocks() {
        return parent.length;
    }
}
