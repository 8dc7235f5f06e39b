/** Mounts a page: its root component with Element Plus' styles and the pages' own. */
import 'element-plus/dist/index.css';
import './style.css';
import { type Component, createApp } from 'vue';

export function mountPage(root: Component): void {
  createApp(root).mount('#app');
}
