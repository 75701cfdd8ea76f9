import { api } from "../api/client";
import type { InvitationItem } from "../api/types";
import { formatTime } from "../format";

export const ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER", "NONE"];

/** Invites an email to the organization (a member at once if it has an account); `act` runs it and reloads. */
export function InviteForm({ organizationId, act }: { organizationId: string; act: (action: () => Promise<unknown>) => Promise<void> }) {
  return (
    <form className="inline" aria-label="Invite member" onSubmit={(e) => {
      e.preventDefault();
      const form = new FormData(e.currentTarget);
      void act(() => api("post", "/api/app/organizations/{organizationId}/members", {
        params: { organizationId }, body: { email: String(form.get("email")), role: String(form.get("role")) },
      }));
    }}>
      <input name="email" type="email" placeholder="Email to invite" required />
      <select name="role" aria-label="Role" defaultValue="MEMBER">{ROLES.map((r) => <option key={r}>{r}</option>)}</select>
      <button>Invite</button>
    </form>
  );
}

/** Pending invitations with their links (no mail is sent) and a revoke button each. */
export function InvitationTable({ organizationId, invitations, act }: {
  organizationId: string; invitations: InvitationItem[]; act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  if (invitations.length === 0) return null;
  return (
    <>
      <h3>Pending invitations</h3>
      <p className="muted">No mail is sent: pass the link on. It is accepted when that email signs up or signs in.</p>
      <table>
        <thead><tr><th>Email</th><th>Role</th><th>Link</th><th>Expires</th><th /></tr></thead>
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td><td>{i.role}</td><td><code>{i.link}</code></td><td>{formatTime(i.expiresAt)}</td>
              <td><button className="link danger" onClick={() => void act(() =>
                api("delete", "/api/app/organizations/{organizationId}/invitations/{invitationId}", { params: { organizationId, invitationId: i.id! } }))}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
