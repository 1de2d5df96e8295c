export function ExportScreen() {
  return (
    <section className="screen" aria-labelledby="export-title">
      <div className="toolbar">
        <h2 id="export-title">Export</h2>
      </div>
      <p className="notice">Not available in this build yet. The reconciled plan, accuracy tables, quarantine rows and the audit log as CSV and XLSX.</p>
    </section>
  );
}
