// The API token lives in sessionStorage only: gone when the tab closes, never in a cookie or localStorage.
const key = 'klaxon.token';

export const token = (): string | null => sessionStorage.getItem(key);
export const saveToken = (value: string): void => sessionStorage.setItem(key, value);
export const forgetToken = (): void => sessionStorage.removeItem(key);

export interface Me {
  id: string;
  name: string;
  email: string;
  role: string;
}

// What the account role lets a user do, as the catalog's role table says; the console only hides
// what the role can never do, and the API still decides (a refusal shows its message).
const managers = new Set(['owner', 'admin', 'user']);
const readOnly = new Set(['observer', 'restricted_access', 'read_only_user', 'read_only_limited_user']);

export const canManageCatalog = (me: Me): boolean => managers.has(me.role);
export const canRespond = (me: Me): boolean => !readOnly.has(me.role);
export const canManageUsers = (me: Me): boolean => me.role === 'owner' || me.role === 'admin';
