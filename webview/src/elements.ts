// The form controls' web components (@vscode-elements/elements, with lit), bundled apart as
// dist/webview/elements.js: about 100 KB of script the canvas does not need to draw, so the page loads it after
// the canvas's first drawing (controls.tsx `loadControlsAfterDrawing`), which draws a 250-step process sooner.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
