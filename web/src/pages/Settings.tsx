import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { ApiKeySummary, CreatedApiKey, InvitationItem, MemberItem } from "../api/types";
import { formatTime } from "../format";
import { useSession } from "../session";
import { InvitationTable, InviteForm, ROLES } from "./Invitations";


/** Project settings: API keys (the secret shown once, with the SDK snippet), members and roles. */
export function Settings({ projectId }: { projectId: string }) {
  const [keys, setKeys] = useState<ApiKeySummary[] | null>(null);
  const [members, setMembers] = useState<MemberItem[] | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invitations, setInvitations] = useState<InvitationItem[]>([]);
  const { session, reload } = useSession();
  const organization = session?.organizations?.find((o) => o.projects?.some((p) => p.id === projectId));
  const project = organization?.projects?.find((p) => p.id === projectId);
  const organizationId = organization?.id ?? "";
  const params = { projectId };
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const load = useCallback(async () => {
    try {
      setKeys((await api("get", "/api/app/projects/{projectId}/api-keys", { params })).apiKeys ?? []);
    } catch (e) {
      setError((e as Error).message);
    }
    try {
      setMembers((await api("get", "/api/app/projects/{projectId}/members", { params })).members ?? []);
    } catch {
      setMembers([]);
    }
    if (organizationId) {
      try {
        setInvitations((await api("get", "/api/app/organizations/{organizationId}/members", { params: { organizationId } })).invitations ?? []);
      } catch {
        setInvitations([]);
      }
    }
  }, [projectId, organizationId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [load]);

  const createKey = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const note = String(new FormData(e.currentTarget).get("note") ?? "");
    try {
      setCreated(await api("post", "/api/app/projects/{projectId}/api-keys", { params, body: { note: note || null } }));
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const revoke = async (id: string) => {
    if (!window.confirm("Revoke this key? SDKs using it stop working at once.")) return;
    await api("delete", "/api/app/projects/{projectId}/api-keys/{apiKeyId}", { params: { projectId, apiKeyId: id } });
    await load();
  };
  const host = window.location.origin;
  const snippet = created &&
    `LANGFUSE_SECRET_KEY="${created.secretKey}"\nLANGFUSE_PUBLIC_KEY="${created.publicKey}"\nLANGFUSE_BASEURL="${host}"  # LANGFUSE_HOST for Python`;

  return (
    <div className="settings">
      <h1>Project settings</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <section>
        <h2>Project</h2>
        <form className="inline" onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name"));
          void act(async () => { await api("patch", "/api/app/projects/{projectId}", { params, body: { name } }); await reload(); });
        }}>
          <input name="name" aria-label="Project name" defaultValue={project?.name ?? ""} key={project?.name} minLength={3} maxLength={60} required />
          <button>Rename</button>
        </form>
        <p className="muted">Project id <code>{projectId}</code> · organization <a href={`/organization/${organizationId}/settings`}>{organization?.name}</a> · your role {project?.role}</p>
      </section>
      <section>
        <h2>API keys</h2>
        {created && (
          <div className="card secret" data-testid="new-key">
            <p><strong>Copy the secret key now:</strong> it is not shown again.</p>
            <pre>{snippet}</pre>
            <button onClick={() => navigator.clipboard?.writeText(snippet ?? "")}>Copy</button>
            <button className="link" onClick={() => setCreated(null)}>Done</button>
          </div>
        )}
        <form onSubmit={createKey} className="inline">
          <input name="note" placeholder="Note (optional)" maxLength={1000} />
          <button>Create new API key</button>
        </form>
        {keys === null ? <p className="loading">Loading…</p> : keys.length === 0 ? (
          <p className="empty">No API keys yet. Create one to send traces from an SDK.</p>
        ) : (
          <table>
            <thead><tr><th>Public key</th><th>Secret key</th><th>Note</th><th>Created</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td><code>{k.publicKey}</code></td><td><code>{k.displaySecretKey}</code></td><td>{k.note}</td>
                  <td>{formatTime(k.createdAt)}</td><td>{formatTime(k.lastUsedAt) || "never"}</td>
                  <td><button className="link danger" onClick={() => revoke(k.id!)}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Members</h2>
        <InviteForm organizationId={organizationId} act={act} />
        {members === null ? <p className="loading">Loading…</p> : (
          <table>
            <thead><tr><th>Name</th><th>Email</th><th>Organization role</th><th>Project role</th><th /></tr></thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td><td>{m.email}</td>
                  <td>
                    <select aria-label={`Organization role of ${m.email}`} value={m.role ?? ""} onChange={(e) => void act(() =>
                      api("put", "/api/app/organizations/{organizationId}/members/{userId}", { params: { organizationId, userId: m.userId! }, body: { role: e.target.value } }))}>
                      {ROLES.map((r) => <option key={r}>{r}</option>)}
                    </select>
                  </td>
                  <td>
                    <select aria-label={`Project role of ${m.email}`} value={m.projectRole ?? ""} onChange={(e) => void act(() => e.target.value
                      ? api("put", "/api/app/projects/{projectId}/members/{userId}", { params: { projectId, userId: m.userId! }, body: { role: e.target.value } })
                      : api("delete", "/api/app/projects/{projectId}/members/{userId}", { params: { projectId, userId: m.userId! } }))}>
                      <option value="">as in the organization</option>
                      {ROLES.map((r) => <option key={r}>{r}</option>)}
                    </select>
                  </td>
                  <td><button className="link danger" onClick={() => window.confirm(`Remove ${m.email} from the organization?`) &&
                    void act(() => api("delete", "/api/app/organizations/{organizationId}/members/{userId}", { params: { organizationId, userId: m.userId! } }))}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <InvitationTable organizationId={organizationId} invitations={invitations} act={act} />
      </section>
    </div>
  );
}
