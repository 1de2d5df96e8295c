export function GovernanceScreen() {
  return (
    <section className="screen" aria-labelledby="governance-title">
      <div className="toolbar">
        <h2 id="governance-title">Governance</h2>
      </div>
      <p className="notice">Not available in this build yet. Data provenance, model roles per segment, accountability, drift alerts and rollback.</p>
    </section>
  );
}
