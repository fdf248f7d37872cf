// Demo shop logic: a product list, a cart in localStorage, nothing else. Stammis is only used
// through the window.stammis queue, as a site owner would.
export const PRODUCTS = {
  mug: { name: 'Stoneware mug', price: 18 },
  beans: { name: 'Single-origin beans, 250 g', price: 14.5 },
  grinder: { name: 'Hand grinder', price: 59 },
}
const KEY = 'demo_cart'
export const cart = () => JSON.parse(localStorage.getItem(KEY) || '{}')
export const saveCart = (c) => localStorage.setItem(KEY, JSON.stringify(c))
export const total = (c) =>
  Math.round(Object.entries(c).reduce((sum, [sku, n]) => sum + PRODUCTS[sku].price * n, 0) * 100) /
  100
export const money = (n) => '$' + n.toFixed(2)

const count = Object.values(cart()).reduce((a, b) => a + b, 0)
document.querySelector('header').innerHTML = `<a href="/">Stammis Coffee</a>
  <nav><a href="/product.html?sku=mug">Mug</a> <a href="/product.html?sku=beans">Beans</a>
  <a href="/product.html?sku=grinder">Grinder</a> <a id="cart-link" href="/cart.html">Cart (${count})</a></nav>
  <small id="segment"></small>`

// Show the visitor's segment, so you can watch it move: shopper -> returning -> repeat.
window.stammis.push((s) =>
  s.profile().then((p) => {
    if (p)
      document.getElementById('segment').textContent =
        `You are a "${p.segment}" (${p.orders} orders, ${p.visits} visits)`
  }),
)
