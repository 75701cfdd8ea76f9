import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { navigate } from "../router";
import { useSession } from "../session";

/** First run (and "new project"): an organization if none is chosen, then a project; then its settings to make a key. */
export function Setup() {
  const { session, reload } = useSession();
  const organizations = (session?.organizations ?? []).filter((o) => o.role === "OWNER" || o.role === "ADMIN");
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setError(null);
    try {
      let organizationId = String(form.get("organizationId") ?? "");
      if (!organizationId) {
        const org = await api("post", "/api/app/organizations", { body: { name: String(form.get("organizationName")) } });
        organizationId = org.id!;
      }
      const project = await api("post", "/api/app/organizations/{organizationId}/projects", {
        params: { organizationId },
        body: { name: String(form.get("projectName")) },
      });
      await reload();
      navigate(`/project/${project.id}/settings?new=1`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const [orgChoice, setOrgChoice] = useState(organizations[0]?.id ?? "");
  return (
    <div className="card narrow">
      <h1>{organizations.length ? "New project" : "Welcome — create your first project"}</h1>
      <form onSubmit={onSubmit}>
        {organizations.length > 0 && (
          <label>Organization
            <select name="organizationId" value={orgChoice} onChange={(e) => setOrgChoice(e.target.value)}>
              {organizations.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              <option value="">New organization…</option>
            </select>
          </label>
        )}
        {!orgChoice && <label>Organization name<input name="organizationName" required maxLength={60} /></label>}
        <label>Project name<input name="projectName" required minLength={3} maxLength={60} /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button>Create project</button>
      </form>
    </div>
  );
}
