// How fwb words the options the backend's messages point at (OptionHint): the
// backend says what is wrong, the command line says which flag changes it.
import type { ImportFileKind, OptionHint } from '../../shared/domain';

const KIND_FLAGS: Record<ImportFileKind, string> = {
  items: 'items',
  forecasts: 'forecasts',
  actuals: 'actuals',
  sales_inputs: 'sales-inputs',
  decisions: 'decisions',
};

export function cliHint(hint: OptionHint): string {
  switch (hint.option) {
    case 'origin':
      return 'pass --origin YYYY-MM-DD to set it';
    case 'model':
      return 'pass --model NAME to name the model';
    case 'modelAndOrigin':
      return 'or pass --model and --origin';
    case 'force':
      return 'pass --force to import it again';
    case 'createItems':
      return 'or pass --create-items to create unknown items';
    case 'kind':
      return `import it with --kind ${KIND_FLAGS[hint.kind ?? 'forecasts']}`;
    case 'replace':
      return 'pass --force to replace it';
    case 'restoreBackup':
      return 'restore a backup with fwb restore --db WORKBOOK --from BACKUP';
  }
}

/** A backend message with its hint in fwb's words. */
export function withCliHint(message: string, hint: OptionHint | undefined): string {
  return hint ? `${message}; ${cliHint(hint)}` : message;
}
