package io.shadow.model.detect.stream;

/** Knobs of the stream detector (experimental). */
public record StreamConfig(double levelAlpha, double errorAlpha, double clip, int dailyBinSeconds,
        double seasonalAlpha, int minEvidence, double tailPrior, double tailMemory, double scoreDecades,
        int suppressRows, double suppressLevel, double sustainAlpha, double spatialTolerance, int mode) {

    public static StreamConfig defaults() {
        return new StreamConfig(0.02, 0.01, 6, 900, 0.2, 20, 50, 5000, 6, 200, 0.5, 0.2, 0.05, 0);
    }

    public StreamConfig with(String k, double v) {
        return new StreamConfig(k.equals("levelAlpha") ? v : levelAlpha, k.equals("errorAlpha") ? v : errorAlpha,
                k.equals("clip") ? v : clip, k.equals("dailyBinSeconds") ? (int) v : dailyBinSeconds,
                k.equals("seasonalAlpha") ? v : seasonalAlpha, k.equals("minEvidence") ? (int) v : minEvidence,
                k.equals("tailPrior") ? v : tailPrior, k.equals("tailMemory") ? v : tailMemory,
                k.equals("scoreDecades") ? v : scoreDecades, k.equals("suppressRows") ? (int) v : suppressRows,
                k.equals("suppressLevel") ? v : suppressLevel, k.equals("sustainAlpha") ? v : sustainAlpha,
                k.equals("spatialTolerance") ? v : spatialTolerance, k.equals("mode") ? (int) v : mode);
    }
}
