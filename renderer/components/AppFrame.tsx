import type { ReactNode } from 'react';
import { api } from '../api';
import { useAppStore } from '../stores/app';
import { useSessionStore } from '../stores/session';
import { useTeamStore } from '../stores/team';
import { SignInDialog } from './SignInDialog';
import { TeamConnectDialog } from './TeamConnectDialog';
import { TeamDisconnectDialog } from './TeamDisconnectDialog';
import { TeamMenu } from './TeamMenu';
import { NavBar } from './NavBar';
import { StatusBar } from './StatusBar';

export function AppFrame({ children }: { children: ReactNode }) {
  const workbook = useAppStore((s) => s.workbook);
  const error = useAppStore((s) => s.error);
  const user = useSessionStore((s) => s.session?.user);
  const setChoosing = useSessionStore((s) => s.setChoosing);
  // A team's replica: the person is the link's login, so there is nobody to switch to.
  const teamLogin = useTeamStore((s) => (s.status?.linked ? s.status.login : null));
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand" aria-hidden="true">
          <svg width="18" height="18" viewBox="0 0 24 24">
            <path d="M3 19h18M5 15l4-5 4 3 6-8" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
        <h1 className="app-title">Forecast Workbench</h1>
        <span className="workbook-name" title={workbook?.path} aria-label="Workbook">
          {workbook ? workbook.name : error ? 'No workbook open' : 'Opening workbook…'}
        </span>
        <span className="spacer" />
        {teamLogin !== null ? (
          <span className="user" aria-label={`Team login ${teamLogin}${user ? `, ${user.displayName}, ${user.role}` : ''}`} title="This workbook is linked to a team workbook: you work as its login.">
            {user ? `${user.displayName} · ${user.role}` : teamLogin} · team login {teamLogin}
          </span>
        ) : (
        <button type="button" className="user" onClick={() => setChoosing(true)} aria-label={user ? `Signed in as ${user.displayName}, ${user.role}; switch user` : 'Choose who you are'}>
          {user ? `${user.displayName} · ${user.role}` : 'Who are you?'}
        </button>
        )}
        {/* The desktop app has these in its File menu. */}
        {api.transport === 'browser' && <TeamMenu />}
        <span className="transport" title="How this window reaches the backend">
          {api.transport === 'desktop' ? 'Desktop' : 'Browser host'}
        </span>
      </header>
      <NavBar />
      <main className="app-main" id="main">
        {error && (
          <div className="banner error" role="alert">
            {error.message}
          </div>
        )}
        {children}
      </main>
      <StatusBar />
      <SignInDialog />
      <TeamConnectDialog />
      <TeamDisconnectDialog />
    </div>
  );
}
