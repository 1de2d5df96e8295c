export interface UserDataOptions {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  home?: string;
  productName?: string;
}
export declare const PRODUCT_NAME: string;
export declare function appDataDir(options?: UserDataOptions): string;
export declare function userDataDir(options?: UserDataOptions): string;
export declare function defaultWorkbookPath(options?: UserDataOptions): string;
