/** The start page: links to the pages, and the language toggle. */
import { mountPage } from '../mount.js';
import IndexPage from './IndexPage.vue';

mountPage(IndexPage);
