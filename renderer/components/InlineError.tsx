/** A failed action's sentence beside the control that made it, announced to screen readers; nothing when there is none. */
export function InlineError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {error}
    </p>
  );
}

/** The header of a table's last column, the row's buttons: named for screen readers, empty on screen. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}
