import { SCREENS, useAppStore, type Screen } from '../stores/app';

const LABELS: Record<Screen, { label: string; key: string }> = {
  import: { label: 'Import', key: '1' },
  review: { label: 'Review', key: '2' },
  accuracy: { label: 'Accuracy', key: '3' },
  export: { label: 'Export', key: '4' },
  governance: { label: 'Governance', key: '5' },
};

const ICONS: Record<Screen, string> = {
  import: 'M12 3v12M7 10l5 5 5-5M4 20h16',
  review: 'M4 6h16M4 12h16M4 18h10',
  accuracy: 'M12 3a9 9 0 1 0 9 9M12 12l6-6',
  export: 'M12 21V9M7 14l5-5 5 5M4 4h16',
  governance: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
};

export function NavBar() {
  const screen = useAppStore((s) => s.screen);
  const setScreen = useAppStore((s) => s.setScreen);
  return (
    <nav className="app-nav" aria-label="Main">
      <ul>
        {SCREENS.map((name) => (
          <li key={name}>
            <a
              href={`#/${name}`}
              aria-current={screen === name ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${LABELS[name].key}`}
              onClick={(e) => {
                e.preventDefault();
                setScreen(name);
              }}
            >
              <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
                <path d={ICONS[name]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              <span>{LABELS[name].label}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Alt+1…5 switch screens from anywhere. */
export function screenForShortcut(event: KeyboardEvent): Screen | null {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null;
  const found = SCREENS.find((name) => LABELS[name].key === event.key);
  return found ?? null;
}
