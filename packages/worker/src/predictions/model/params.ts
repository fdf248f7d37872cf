// The models' parameters, in the time unit week.

/**
 * BG/NBD (Fader, Hardie & Lee 2005): while alive, a customer buys as a Poisson process with rate
 * λ ~ Gamma(shape r, rate α); after each purchase they drop out with probability p ~ Beta(a, b).
 */
export interface BgNbdParams {
  r: number
  alpha: number
  a: number
  b: number
}

/**
 * Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): the spend of each purchase is
 * Gamma(shape p, rate ν), and a customer's ν ~ Gamma(shape q, rate γ).
 */
export interface GammaGammaParams {
  p: number
  q: number
  gamma: number
}
