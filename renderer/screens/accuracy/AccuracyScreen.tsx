export function AccuracyScreen() {
  return (
    <section className="screen" aria-labelledby="accuracy-title">
      <div className="toolbar">
        <h2 id="accuracy-title">Accuracy</h2>
      </div>
      <p className="notice">Not available in this build yet. Model, final plan and benchmarks compared by planner, reason, direction, size and over time.</p>
    </section>
  );
}
