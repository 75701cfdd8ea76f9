import { useEffect } from "react";
import { match, navigate, useLocation } from "./router";
import { useSession } from "./session";
import { Layout } from "./pages/Layout";
import { SignIn, SignUp } from "./pages/Auth";
import { Setup } from "./pages/Setup";
import { Traces } from "./pages/Traces";
import { TraceDetail } from "./pages/TraceDetail";
import { Settings } from "./pages/Settings";
import { AcceptInvitation } from "./pages/AcceptInvitation";
import { SessionDetail, Sessions } from "./pages/Sessions";
import { Users } from "./pages/Users";
import { DashboardPage } from "./pages/Dashboard";
import { Observations } from "./pages/Observations";
import { OrganizationSettings } from "./pages/OrganizationSettings";
import { Account } from "./pages/Account";
import { Prompt } from "./pages/Prompt";

export function App() {
  const { path } = useLocation();
  const { session, loading } = useSession();
  const publicPage = path.startsWith("/auth/sign-in") || path.startsWith("/auth/sign-up");

  useEffect(() => {
    if (loading) return;
    if (!session && !publicPage) navigate(`/auth/sign-in?next=${encodeURIComponent(path)}`, true);
    if (session && path === "/") {
      const project = session.organizations?.flatMap((o) => o.projects ?? [])[0];
      navigate(project ? `/project/${project.id}/traces` : "/setup", true);
    }
  }, [loading, session, path, publicPage]);

  if (path === "/auth/sign-in") return <SignIn />;
  if (path === "/auth/sign-up") return <SignUp />;
  if (loading || !session) return <p className="loading">Loading…</p>;

  let params: Record<string, string> | null;
  if ((params = match("/auth/invitation/:id", path))) return <AcceptInvitation id={params.id} />;
  if (path === "/setup") return <Layout><Setup /></Layout>;
  if (path === "/account") return <Layout><Account /></Layout>;
  if ((params = match("/organization/:organizationId/settings", path)))
    return <Layout><OrganizationSettings organizationId={params.organizationId} /></Layout>;
  if ((params = match("/project/:projectId/traces", path))) return <Layout projectId={params.projectId}><Traces projectId={params.projectId} /></Layout>;
  if ((params = match("/project/:projectId/traces/:traceId", path)))
    return <Layout projectId={params.projectId}><TraceDetail projectId={params.projectId} traceId={params.traceId} /></Layout>;
  if ((params = match("/project/:projectId/sessions", path))) return <Layout projectId={params.projectId}><Sessions projectId={params.projectId} /></Layout>;
  if ((params = match("/project/:projectId/sessions/:sessionId", path)))
    return <Layout projectId={params.projectId}><SessionDetail projectId={params.projectId} sessionId={params.sessionId} /></Layout>;
  if ((params = match("/project/:projectId/observations", path))) return <Layout projectId={params.projectId}><Observations projectId={params.projectId} /></Layout>;
  if ((params = match("/project/:projectId/users", path))) return <Layout projectId={params.projectId}><Users projectId={params.projectId} /></Layout>;
  if ((params = match("/project/:projectId/users/:userId", path)))
    return <Layout projectId={params.projectId}><Traces projectId={params.projectId} userId={params.userId} /></Layout>;
  if ((params = match("/project/:projectId/prompts/:name", path)))
    return <Layout projectId={params.projectId}><Prompt projectId={params.projectId} name={params.name} /></Layout>;
  if ((params = match("/project/:projectId/settings", path))) return <Layout projectId={params.projectId}><Settings projectId={params.projectId} /></Layout>;
  if ((params = match("/project/:projectId", path))) return <Layout projectId={params.projectId}><DashboardPage projectId={params.projectId} /></Layout>;
  return <Layout><p className="empty">Nothing here. <a href="/">Go to your projects</a>.</p></Layout>;
}
