module example.com/shop/greeting

go 1.21

require example.com/legacy v1.0.0
