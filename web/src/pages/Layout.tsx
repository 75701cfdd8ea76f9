import type { ReactNode } from "react";
import { api, forgetCsrfToken } from "../api/client";
import { Link, navigate } from "../router";
import { useSession } from "../session";

/** Header with the organization and project switcher, the project's pages, and the account. */
export function Layout({ projectId, children }: { projectId?: string; children: ReactNode }) {
  const { session, reload } = useSession();
  const organizations = session?.organizations ?? [];
  const signOut = async () => {
    await api("post", "/api/app/auth/sign-out");
    forgetCsrfToken();
    await reload();
    navigate("/auth/sign-in");
  };
  return (
    <div className="app">
      <header>
        <Link to="/" className="brand">Langfuse<span>.NET</span></Link>
        <select aria-label="Project" value={projectId ?? ""} onChange={(e) => e.target.value && navigate(e.target.value === "+" ? "/setup" : `/project/${e.target.value}/traces`)}>
          <option value="">Select a project</option>
          {organizations.map((o) => (
            <optgroup key={o.id} label={o.name ?? ""}>
              {(o.projects ?? []).map((p) => (
                <option key={p.id} value={p.id}>{p.name}</option>
              ))}
            </optgroup>
          ))}
          <option value="+">+ New organization or project…</option>
        </select>
        {projectId && (
          <nav>
            <Link to={`/project/${projectId}`}>Dashboard</Link>
            <Link to={`/project/${projectId}/traces`}>Traces</Link>
            <Link to={`/project/${projectId}/observations`}>Observations</Link>
            <Link to={`/project/${projectId}/sessions`}>Sessions</Link>
            <Link to={`/project/${projectId}/users`}>Users</Link>
            <Link to={`/project/${projectId}/settings`}>Settings</Link>
          </nav>
        )}
        <span className="spacer" />
        <Link to="/account" className="user">{session?.user?.email}</Link>
        <button className="link" onClick={signOut}>Sign out</button>
      </header>
      <main>{children}</main>
    </div>
  );
}
