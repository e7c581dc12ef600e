import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Scope } from '../types';

export interface Who {
  readonly auth: 'none' | 'key';
  readonly scopes: readonly Scope[];
}

export const WhoContext = createContext<Who>({ auth: 'none', scopes: [] });

/** Whether the signed-in key may do what needs `scope` (admin holds every scope). */
export function useCan(): (scope: Scope) => boolean {
  const who = useContext(WhoContext);
  return (scope) => who.scopes.includes(scope) || who.scopes.includes('admin');
}
