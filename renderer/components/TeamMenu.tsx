// The browser host's Team workbook menu in the header (it has no native File menu): Connect to
// Team Workbook…, Sync Now and Disconnect from Team Workbook…, as the desktop app's File menu
// offers them. Arrow keys move, Escape closes and gives the focus back to the button.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTeamStore } from '../stores/team';

export function TeamMenu() {
  const [open, setOpen] = useState(false);
  const linked = useTeamStore((s) => s.status?.linked === true);
  const setDialog = useTeamStore((s) => s.setDialog);
  const syncNow = useTeamStore((s) => s.syncNow);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')?.focus();
    const away = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (what: () => void) => {
    setOpen(false);
    what();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  };

  return (
    <span className="team-menu">
      <button ref={button} type="button" className="team-menu-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        Team workbook
      </button>
      {open && (
        <div ref={menu} className="team-menu-list" role="menu" aria-label="Team workbook" onKeyDown={onKeyDown}>
          <button type="button" role="menuitem" disabled={linked} onClick={() => choose(() => setDialog('connect'))} title={linked ? 'This workbook is linked already.' : undefined}>
            Connect to Team Workbook…
          </button>
          <button type="button" role="menuitem" disabled={!linked} onClick={() => choose(() => void syncNow())} aria-keyshortcuts="Control+Shift+S">
            Sync Now <kbd>Ctrl+Shift+S</kbd>
          </button>
          <button type="button" role="menuitem" disabled={!linked} onClick={() => choose(() => setDialog('disconnect'))}>
            Disconnect from Team Workbook…
          </button>
        </div>
      )}
    </span>
  );
}
