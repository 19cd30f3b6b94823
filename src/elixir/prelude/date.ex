# Date: the ISO calendar's days, as `~D[2015-01-13]` writes them. Written for this project
# from the documented behaviour; the day count is the proleptic Gregorian one (day 0 is
# 0000-01-01), computed by whole 400-year eras.

defmodule Date do
  defstruct year: nil, month: nil, day: nil, calendar: Calendar.ISO

  def new(year, month, day) when is_integer(year) and is_integer(month) and is_integer(day) do
    if month in 1..12 and day >= 1 and day <= month_days(year, month),
      do: {:ok, %Date{year: year, month: month, day: day}},
      else: {:error, :invalid_date}
  end

  def new!(year, month, day) do
    case new(year, month, day) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot build date, reason: #{inspect(reason)}"
    end
  end

  def from_iso8601(<<y::binary-size(4), ?-, m::binary-size(2), ?-, d::binary-size(2)>>) do
    with {year, ""} <- Integer.parse(y),
         {month, ""} <- Integer.parse(m),
         {day, ""} <- Integer.parse(d) do
      new(year, month, day)
    else
      _ -> {:error, :invalid_format}
    end
  end

  def from_iso8601(string) when is_binary(string), do: {:error, :invalid_format}

  def from_iso8601!(string) do
    case from_iso8601(string) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot parse #{inspect(string)} as date, reason: #{inspect(reason)}"
    end
  end

  def to_iso8601(%{year: y, month: m, day: d}),
    do: "#{pad(y, 4)}-#{pad(m, 2)}-#{pad(d, 2)}"

  def to_string(date), do: to_iso8601(date)

  def compare(%{} = date1, %{} = date2) do
    a = {date1.year, date1.month, date1.day}
    b = {date2.year, date2.month, date2.day}

    cond do
      a > b -> :gt
      a < b -> :lt
      true -> :eq
    end
  end

  def leap_year?(%{year: year}), do: leap?(year)
  def days_in_month(%{year: year, month: month}), do: month_days(year, month)

  # Monday is 1
  def day_of_week(date), do: Integer.mod(to_days(date) + 5, 7) + 1
  def day_of_year(%{year: y} = date), do: to_days(date) - to_days(%Date{year: y, month: 1, day: 1}) + 1

  def add(date, days) when is_integer(days), do: from_days(to_days(date) + days)
  def diff(date1, date2), do: to_days(date1) - to_days(date2)

  def beginning_of_month(date), do: %{date | day: 1}
  def end_of_month(date), do: %{date | day: days_in_month(date)}

  def to_erl(%{year: y, month: m, day: d}), do: {y, m, d}
  def from_erl({y, m, d}), do: new(y, m, d)

  def range(first, last), do: Enum.map(0..diff(last, first), &add(first, &1))

  defp leap?(y), do: rem(y, 4) == 0 and (rem(y, 100) != 0 or rem(y, 400) == 0)
  defp month_days(y, 2), do: if(leap?(y), do: 29, else: 28)
  defp month_days(_, m) when m in [4, 6, 9, 11], do: 30
  defp month_days(_, _), do: 31

  defp pad(n, width) when n < 0, do: "-" <> pad(-n, width)
  defp pad(n, width), do: String.pad_leading(Integer.to_string(n), width, "0")

  # days since 0000-01-01, with March as the year's first month so that the leap day is
  # the last day of its year
  defp to_days(%{year: y, month: m, day: d}) do
    y = if m <= 2, do: y - 1, else: y
    era = Integer.floor_div(y, 400)
    yoe = y - era * 400
    mp = Integer.mod(m + 9, 12)
    doy = div(153 * mp + 2, 5) + d - 1
    doe = yoe * 365 + div(yoe, 4) - div(yoe, 100) + doy
    era * 146_097 + doe + 60
  end

  defp from_days(days) do
    z = days - 60
    era = Integer.floor_div(z, 146_097)
    doe = z - era * 146_097
    yoe = div(doe - div(doe, 1460) + div(doe, 36524) - div(doe, 146_096), 365)
    doy = doe - (365 * yoe + div(yoe, 4) - div(yoe, 100))
    mp = div(5 * doy + 2, 153)
    d = doy - div(153 * mp + 2, 5) + 1
    m = if mp < 10, do: mp + 3, else: mp - 9
    y = yoe + era * 400 + if(m <= 2, do: 1, else: 0)
    %Date{year: y, month: m, day: d}
  end
end

defimpl Inspect, for: Date do
  def inspect(date, _opts), do: "~D[" <> Date.to_iso8601(date) <> "]"
end

defimpl String.Chars, for: Date do
  def to_string(date), do: Date.to_iso8601(date)
end
