/** Pure functions from images to new images: nothing here changes its input. */
export { convertFlavour, flavourOf, mediaTypeIn, withLayers, type Flavour } from './with-layers.js';
export { recompress, type RecompressOptions } from './recompress.js';
export { formatPlatform, hostPlatform, parsePlatform, platformMatches, platformsOf, selectPlatform } from './platform.js';
export { mapIndexImages } from './index-images.js';
export { append, indexOfImages, MemoryLayer, type AppendedLayer, type AppendOptions } from './append.js';
export { abortable } from './abortable.js';
