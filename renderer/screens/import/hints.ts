// How the Import screen words the options the backend's messages point at
// (OptionHint): the backend says what is wrong, the screen says which control changes it.
import type { ImportFileKind, OptionHint } from '../../../shared/domain';

export const KIND_LABELS: Record<ImportFileKind, string> = {
  forecasts: 'Forecasts',
  actuals: 'Actuals',
  items: 'Items',
  sales_inputs: 'Sales inputs',
  decisions: 'Decision history',
};

export function screenHint(hint: OptionHint): string {
  switch (hint.option) {
    case 'origin':
      return 'set Origin in the options';
    case 'model':
      return 'set Model in the options to name it';
    case 'modelAndOrigin':
      return 'or set Model and Origin in the options';
    case 'force':
      return 'tick “Import again even if already imported” to import it anyway';
    case 'createItems':
      return 'or set Unknown items to “create them”';
    case 'kind':
      return `import it as ${KIND_LABELS[hint.kind ?? 'forecasts']} (Kind of data)`;
    case 'replace':
      return 'choose another name';
    case 'restoreBackup':
      return 'restore a backup with File › Restore from Backup…';
  }
}

/** A backend message with its hint in the screen's words. */
export function withScreenHint(message: string, hint: OptionHint | undefined): string {
  return hint ? `${message}; ${screenHint(hint)}` : message;
}
