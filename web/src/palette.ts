/**
 * Series colours, from Okabe and Ito's palette: told apart by readers with the common colour-vision
 * deficiencies (red–green above all), and in grey print. Vermillion first, close to the brand red.
 */
export const PALETTE = [
  '#D55E00',
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#999999',
] as const;
