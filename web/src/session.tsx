import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, ApiError } from "./api/client";
import type { Session } from "./api/types";

type SessionState = { session: Session | null; loading: boolean; reload: () => Promise<void> };
const SessionContext = createContext<SessionState>({ session: null, loading: true, reload: async () => {} });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    try {
      setSession(await api("get", "/api/app/auth/session"));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      setSession(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return <SessionContext.Provider value={{ session, loading, reload }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
