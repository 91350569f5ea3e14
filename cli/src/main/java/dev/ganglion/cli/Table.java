package dev.ganglion.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: left-aligned text columns, right-aligned numeric ones, two spaces apart. */
final class Table {
    private final String[] header;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /** Column titles; a title starting with '>' is right-aligned (the '>' is not printed). */
    Table(String... titles) {
        header = new String[titles.length];
        rightAligned = new boolean[titles.length];
        for (int i = 0; i < titles.length; i++) {
            rightAligned[i] = titles[i].startsWith(">");
            header[i] = rightAligned[i] ? titles[i].substring(1) : titles[i];
        }
    }

    void add(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("table row has " + cells.length + " cells, expected " + header.length);
        }
        rows.add(cells.clone());
    }

    void print(PrintWriter out) {
        int[] w = new int[header.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        line(out, header, w);
        for (String[] r : rows) {
            line(out, r, w);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(w[i] - cells[i].length());
            sb.append(i == 0 ? "" : "  ").append(rightAligned[i] ? pad + cells[i] : cells[i] + pad);
        }
        out.println(sb.toString().stripTrailing());
    }
}
