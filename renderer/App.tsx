import { useEffect } from 'react';
import { api } from './api';
import { AppFrame } from './components/AppFrame';
import { screenForShortcut } from './components/NavBar';
import { useAppStore, type Screen } from './stores/app';
import { useSessionStore } from './stores/session';
import { isSyncShortcut, useTeamStore } from './stores/team';
import { AccuracyScreen } from './screens/accuracy/AccuracyScreen';
import { ExportScreen } from './screens/export/ExportScreen';
import { GovernanceScreen } from './screens/governance/GovernanceScreen';
import { ImportScreen } from './screens/import/ImportScreen';
import { ReviewScreen } from './screens/review/ReviewScreen';

const SCREEN_COMPONENTS: Record<Screen, () => React.JSX.Element> = {
  import: ImportScreen,
  review: ReviewScreen,
  accuracy: AccuracyScreen,
  export: ExportScreen,
  governance: GovernanceScreen,
};

export function App() {
  const screen = useAppStore((s) => s.screen);
  const loadWorkbook = useAppStore((s) => s.loadWorkbook);
  const handleEvent = useAppStore((s) => s.handleEvent);

  useEffect(() => {
    void loadWorkbook();
    void useSessionStore.getState().load();
    void useTeamStore.getState().refresh();
    const unsubscribe = api.onEvent(handleEvent);
    const onKey = (event: KeyboardEvent) => {
      if (isSyncShortcut(event)) {
        event.preventDefault();
        void useTeamStore.getState().syncNow();
        return;
      }
      const target = screenForShortcut(event);
      if (target) {
        event.preventDefault();
        useAppStore.getState().setScreen(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      unsubscribe();
      window.removeEventListener('keydown', onKey);
    };
  }, [loadWorkbook, handleEvent]);

  const Current = SCREEN_COMPONENTS[screen];
  // No workbook and a failed first call: the banner says why; an empty screen of controls would only mislead.
  const unreachable = useAppStore((s) => s.workbook === null && s.error !== null);
  return <AppFrame>{unreachable ? null : <Current />}</AppFrame>;
}
