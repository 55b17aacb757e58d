// What the shell puts on the page: Tauri's global API (used in ipc.js only).
interface Window {
  __TAURI__: any;
}
