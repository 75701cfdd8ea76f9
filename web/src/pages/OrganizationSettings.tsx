import { useCallback, useEffect, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import type { ApiKeySummary, CreatedApiKey, InvitationItem, MemberItem } from "../api/types";
import { formatTime } from "../format";
import { navigate } from "../router";
import { useSession } from "../session";
import { InvitationTable, InviteForm, ROLES } from "./Invitations";

type AuditEntry = components["schemas"]["LangfuseFeaturesAuditLogAuditLogItem"];

/** Organization settings: name, members and invitations, organization API keys (owners), audit log (owners and admins), deletion. */
export function OrganizationSettings({ organizationId }: { organizationId: string }) {
  const { session, reload } = useSession();
  const organization = session?.organizations?.find((o) => o.id === organizationId);
  const role = organization?.role ?? "NONE";
  const canManage = role === "OWNER" || role === "ADMIN";
  const [members, setMembers] = useState<MemberItem[]>([]);
  const [invitations, setInvitations] = useState<InvitationItem[]>([]);
  const [keys, setKeys] = useState<ApiKeySummary[]>([]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const params = { organizationId };

  const load = useCallback(async () => {
    const members = await api("get", "/api/app/organizations/{organizationId}/members", { params }).catch(() => null);
    setMembers(members?.members ?? []);
    setInvitations(members?.invitations ?? []);
    if (role === "OWNER") setKeys((await api("get", "/api/app/organizations/{organizationId}/api-keys", { params })).apiKeys ?? []);
    if (canManage) setAudit((await api("get", "/api/app/organizations/{organizationId}/audit-logs", { params, query: { page: 1, limit: 50 } })).data ?? []);
  }, [organizationId, role]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => void load().catch((e: Error) => setError(e.message)), [load]);
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (!organization) return <p className="empty">Organization not found.</p>;

  return (
    <div className="settings">
      <h1>Organization settings</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <section>
        <h2>Name</h2>
        <form className="inline" onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name"));
          void act(async () => { await api("patch", "/api/app/organizations/{organizationId}", { params, body: { name } }); await reload(); });
        }}>
          <input name="name" aria-label="Organization name" defaultValue={organization.name ?? ""} key={organization.name} maxLength={60} required disabled={!canManage} />
          {canManage && <button>Rename</button>}
        </form>
        <p className="muted">Organization id <code>{organizationId}</code> · your role {role}</p>
      </section>
      <section>
        <h2>Members</h2>
        {canManage && <InviteForm organizationId={organizationId} act={act} />}
        <table>
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th /></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <td>{m.name}</td><td>{m.email}</td>
                <td>
                  <select aria-label={`Role of ${m.email}`} value={m.role ?? ""} disabled={!canManage || m.userId === session?.user?.id}
                    onChange={(e) => void act(() => api("put", "/api/app/organizations/{organizationId}/members/{userId}", { params: { organizationId, userId: m.userId! }, body: { role: e.target.value } }))}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
                <td>
                  {(canManage || m.userId === session?.user?.id) && (
                    <button className="link danger" onClick={() => window.confirm(m.userId === session?.user?.id ? "Leave this organization?" : `Remove ${m.email}?`) &&
                      void act(async () => { await api("delete", "/api/app/organizations/{organizationId}/members/{userId}", { params: { organizationId, userId: m.userId! } }); await reload(); })}>
                      {m.userId === session?.user?.id ? "Leave" : "Remove"}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <InvitationTable organizationId={organizationId} invitations={invitations} act={act} />
      </section>
      {role === "OWNER" && (
        <section>
          <h2>Organization API keys</h2>
          <p className="muted">For Langfuse's administration API (projects, keys, memberships); they act with an owner's power.</p>
          {created && (
            <div className="card secret">
              <p><strong>Copy the secret key now:</strong> it is not shown again.</p>
              <pre>{`public key: ${created.publicKey}\nsecret key: ${created.secretKey}`}</pre>
              <button className="link" onClick={() => setCreated(null)}>Done</button>
            </div>
          )}
          <button onClick={() => void act(async () => setCreated(await api("post", "/api/app/organizations/{organizationId}/api-keys", { params, body: { note: "admin" } })))}>Create organization key</button>
          <table>
            <thead><tr><th>Public key</th><th>Secret key</th><th>Created</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td><code>{k.publicKey}</code></td><td><code>{k.displaySecretKey}</code></td><td>{formatTime(k.createdAt)}</td><td>{formatTime(k.lastUsedAt) || "never"}</td>
                  <td><button className="link danger" onClick={() => void act(() => api("delete", "/api/app/organizations/{organizationId}/api-keys/{apiKeyId}", { params: { organizationId, apiKeyId: k.id! } }))}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {canManage && (
        <section>
          <h2>Audit log</h2>
          <table>
            <thead><tr><th>When</th><th>Who</th><th>What</th><th>Change</th></tr></thead>
            <tbody>
              {audit.map((a) => (
                <tr key={a.id}>
                  <td>{formatTime(a.createdAt)}</td>
                  <td>{a.actorType === "user" ? members.find((m) => m.userId === a.actorId)?.email ?? a.actorId : `API key ${a.actorId}`}</td>
                  <td>{a.action} {a.resourceType} <code>{a.resourceId}</code></td>
                  <td className="muted">{a.before && <>from {a.before} </>}{a.after && <>to {a.after}</>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {role === "OWNER" && (
        <section>
          <h2>Delete organization</h2>
          <p className="muted">Only an organization without projects can be deleted.</p>
          <button className="danger" onClick={() => window.confirm("Delete this organization?") &&
            void act(async () => { await api("delete", "/api/app/organizations/{organizationId}", { params }); await reload(); navigate("/"); })}>Delete organization</button>
        </section>
      )}
    </div>
  );
}
