# Small functions of the library written in the Elixir the console speaks (over the native
# ones: a call of a function these modules do not define reaches the native one). Written
# for this project from the documented behaviour.

defmodule Function do
  def identity(value), do: value
end

defmodule Integer do
  # the Bézout coefficients by the extended Euclidean algorithm; the gcd is not negative
  def extended_gcd(0, 0), do: {0, 0, 0}

  def extended_gcd(a, b) when is_integer(a) and is_integer(b) do
    {g, s, t} = bezout(a, b, 1, 0, 0, 1)
    if g < 0, do: {-g, -s, -t}, else: {g, s, t}
  end

  defp bezout(r0, 0, s0, _s1, t0, _t1), do: {r0, s0, t0}

  defp bezout(r0, r1, s0, s1, t0, t1) do
    q = div(r0, r1)
    bezout(r1, r0 - q * r1, s1, s0 - q * s1, t1, t0 - q * t1)
  end
end

defmodule Float do
  def max_finite, do: 1.7976931348623157e308
  def min_finite, do: -1.7976931348623157e308

  def pow(base, exponent) when is_float(base) and is_number(exponent),
    do: :math.pow(base, exponent)

  # the float as a fraction in lowest terms: doubling a float is exact, so the first power
  # of two that makes it whole is its denominator
  def ratio(0.0), do: {0, 1}

  def ratio(float) when is_float(float) do
    {numerator, denominator} = whole(float, 1)
    gcd = Integer.gcd(numerator, denominator)
    {div(numerator, gcd), div(denominator, gcd)}
  end

  defp whole(x, d) do
    if x == trunc(x), do: {trunc(x), d}, else: whole(x * 2, d * 2)
  end
end
