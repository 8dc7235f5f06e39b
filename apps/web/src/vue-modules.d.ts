/** Single-file components as TypeScript sees them outside vue-tsc (the linter's type service). */
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
