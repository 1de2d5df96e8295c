import { useRef, useState, type DragEvent } from 'react';
import { useImportStore } from '../../stores/import';

/** Drag a file here or pick one; either way it is staged and previewed. */
export function FileDrop() {
  const stage = useImportStore((s) => s.stage);
  const staging = useImportStore((s) => s.staging);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) void stage(file);
  }

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      aria-label="Drop a file to import"
      role="group"
    >
      <span>{staging ? 'Reading the file…' : 'Drop a CSV or XLSX file here, or'}</span>
      <button type="button" onClick={() => input.current?.click()} disabled={staging}>
        Choose file…
      </button>
      <input
        ref={input}
        type="file"
        aria-label="Choose file"
        accept=".csv,.tsv,.txt,.xlsx"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void stage(file);
          e.target.value = '';
        }}
      />
    </div>
  );
}
